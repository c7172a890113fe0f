package dev.procpool.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.ipc.WorkerSocketServer;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Starts worker JVMs and keeps them honest: each gets a fresh id and secret (in its environment,
 * not its command line), must connect back within the start timeout, and is pinged every
 * heartbeat interval; one silent for the heartbeat timeout is killed. A few warm spares are kept
 * started and connected so a new process need not wait for a JVM to boot. On first use the
 * JDK's AOT cache for workers is trained in the background, and used from then on.
 */
public final class WorkerLauncher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WorkerLauncher.class.getName());
    private static final String MAIN_CLASS = "dev.procpool.worker.WorkerMain";
    /** Variables that make the JVM print a notice, which would end up in a process's output. */
    /** AOT caches of other class paths or JDKs kept in the cache directory. */
    private static final int KEPT_AOT_CACHES = 2;
    private static final Set<String> DROPPED_ENV = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /** Whether workers can be launched, for the health endpoint. */
    public record Health(boolean canLaunch, String detail, int liveWorkers, int spares, boolean aotCache,
                         Duration lastStartup) {
    }

    private final WorkerSettings settings;
    private final WorkerClasspath classpath;
    private final WorkerSocketServer server;
    private final Path aotCacheFile;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Worker> live = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Spare> spares = new ConcurrentLinkedDeque<>();
    private final AtomicInteger foregroundLaunches = new AtomicInteger();
    private final ScheduledExecutorService heartbeat;
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;
    private volatile Duration lastStartup;
    private volatile boolean closed;

    public WorkerLauncher(WorkerSettings settings, List<Path> pluginJars) {
        this.settings = settings;
        this.classpath = WorkerClasspath.resolve(settings.cacheDir().resolve("classpath"), pluginJars);
        try {
            this.server = WorkerSocketServer.open(settings.socketDir(), new FrameCodec(), settings.startTimeout());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the worker socket under " + settings.socketDir(), e);
        }
        this.aotCacheFile = settings.aotCache() ? aotCachePath() : null;
        pruneAotCaches();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-heartbeat").factory());
        long every = settings.heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        Thread.ofVirtual().name("procpool-warmup").start(this::warmUp);
    }

    public WorkerClasspath classpath() {
        return classpath;
    }

    /** The directory holding the manager's socket (mode 0700). */
    public Path socketDirectory() {
        return server.directory();
    }

    /**
     * A connected worker: a warm spare if one is ready; else the spare that has been booting longest
     * (it has a head start on any JVM started now, and a second boot would compete with it for the
     * cores); else a new JVM.
     */
    public Worker acquire() {
        Spare spare;
        while ((spare = takeSpare()) != null) {
            try {
                Worker w = spare.worker().join();
                if (w.isAlive()) {
                    replenish();
                    return w;
                }
            } catch (CompletionException | CancellationException e) {
                break; // that launch failed; try once more below, which reports the cause
            }
        }
        foregroundLaunches.incrementAndGet();
        try {
            return launch();
        } finally {
            foregroundLaunches.decrementAndGet();
            replenish();
        }
    }

    /** A spare worker, ready or still starting. */
    private record Spare(CompletableFuture<Worker> worker) {
    }

    private Spare takeSpare() {
        for (Spare s : spares) {
            if (s.worker().isDone() && spares.remove(s)) {
                return s;
            }
        }
        return spares.pollFirst();
    }

    /** Starts a new worker JVM and waits until it has connected and shaken hands. */
    public Worker launch() {
        return launch(aotCacheFile != null && Files.isRegularFile(aotCacheFile) ? List.of("-XX:AOTCache=" + aotCacheFile) : List.of());
    }

    private Worker launch(List<String> extraOptions) {
        if (closed) {
            throw new WorkerLaunchException("the service is shutting down");
        }
        long started = System.nanoTime();
        String id = "w" + sequence.incrementAndGet();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = HexFormat.of().formatHex(secretBytes);
        CompletableFuture<WorkerSocketServer.Handshake> handshake = server.expect(id, secret);
        var builder = new ProcessBuilder(command(extraOptions)).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        DROPPED_ENV.forEach(env::remove);
        env.put("PROCPOOL_SOCKET", server.socketPath().toString());
        env.put("PROCPOOL_WORKER_ID", id);
        env.put("PROCPOOL_SECRET", secret);
        env.put("PROCPOOL_HEARTBEAT_TIMEOUT_MS", Long.toString(settings.heartbeatTimeout().toMillis()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            handshake.cancel(false);
            throw failed(new WorkerLaunchException("cannot start " + settings.javaCommand() + ": " + e.getMessage(), e));
        }
        Worker worker = new Worker(id, process, new OutputBuffer(settings.outputCapBytes()));
        worker.requests = queueRequests;
        try {
            CompletableFuture.anyOf(handshake, process.onExit()).get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.kill();
            handshake.cancel(false);
            throw failed(new WorkerLaunchException("worker JVM (pid " + process.pid() + ") did not connect within "
                    + settings.startTimeout().toSeconds() + " s; output: " + tail(worker)));
        } catch (InterruptedException e) {
            worker.kill();
            Thread.currentThread().interrupt();
            throw new WorkerLaunchException("interrupted while starting a worker");
        } catch (ExecutionException e) {
            worker.kill();
            throw failed(new WorkerLaunchException("worker handshake failed: " + e.getCause().getMessage(), e.getCause()));
        }
        if (!handshake.isDone() || handshake.isCompletedExceptionally()) {
            handshake.cancel(false);
            int code = worker.exited().join();
            throw failed(new WorkerLaunchException("worker JVM exited with code " + code + " before connecting: " + tail(worker)));
        }
        worker.connected(handshake.join().channel());
        live.put(id, worker);
        worker.exited().whenComplete((code, e) -> {
            live.remove(id);
            for (java.util.function.LongConsumer l : exitListeners) {
                try {
                    l.accept(worker.pid());
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "an exit listener failed for " + worker + ": " + ex);
                }
            }
        });
        lastStartup = Duration.ofNanos(System.nanoTime() - started);
        lastFailure = null;
        return worker;
    }

    private WorkerLaunchException failed(WorkerLaunchException e) {
        lastFailure = e.getMessage();
        lastFailureAt = Instant.now();
        LOG.log(System.Logger.Level.ERROR, e.getMessage());
        return e;
    }

    private static String tail(Worker w) {
        String text = new String(w.output().snapshot().bytes(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "(none)";
        }
        return text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text;
    }

    private final java.util.List<java.util.function.LongConsumer> exitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile java.util.function.BiConsumer<Worker, dev.procpool.ipc.Event.QueueRequest> queueRequests = (w, r) -> { };

    /** Where every worker's queue and pipe calls go (the manager's queues); set once at start-up. */
    public void onQueueRequest(java.util.function.BiConsumer<Worker, dev.procpool.ipc.Event.QueueRequest> handler) {
        this.queueRequests = handler;
    }

    /** Calls {@code listener} with the pid of every worker that exits from now on (to free what it held). */
    public void onWorkerExit(java.util.function.LongConsumer listener) {
        exitListeners.add(listener);
    }

    /** The worker's command line; the secret is not on it. */
    List<String> command(List<String> extraOptions) {
        var cmd = new ArrayList<String>();
        cmd.add(settings.javaCommand().toString());
        cmd.add("-Xmx" + settings.maxHeap());
        cmd.add("-XX:-UsePerfData");
        cmd.add("--enable-native-access=ALL-UNNAMED"); // shared-memory locks call futex through the FFM linker
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=error:stderr");
        cmd.addAll(extraOptions);
        cmd.addAll(settings.jvmOptions());
        cmd.add("-cp");
        cmd.add(classpath.asArgument());
        cmd.add(MAIN_CLASS);
        return cmd;
    }

    private Path aotCachePath() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            md.update(settings.javaCommand().toString().getBytes(StandardCharsets.UTF_8));
            for (String s : command(List.of())) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
            }
            for (Path p : classpath.entries()) {
                md.update(Long.toString(Files.size(p)).getBytes(StandardCharsets.UTF_8));
                md.update(Long.toString(Files.getLastModifiedTime(p).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            return settings.cacheDir().resolve("worker-" + HexFormat.of().formatHex(md.digest()).substring(0, 16) + ".aot");
        } catch (NoSuchAlgorithmException | IOException e) {
            LOG.log(System.Logger.Level.WARNING, "no AOT cache for workers: " + e);
            return null;
        }
    }

    /**
     * AOT caches are some 25 MB each, one per JDK, command line and class path: keep the newest few
     * (other services on this machine may still use theirs) and delete the rest.
     */
    private void pruneAotCaches() {
        try (var files = Files.list(settings.cacheDir())) {
            List<Path> stale = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]{16}\\.aot(\\.part)?"))
                    .filter(f -> !f.equals(aotCacheFile))
                    .sorted(Comparator.comparing(WorkerLauncher::modified).reversed())
                    .skip(KEPT_AOT_CACHES)
                    .toList();
            for (Path f : stale) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not prune AOT caches: " + e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Trains the AOT cache if it is missing, then starts the spares. */
    private void warmUp() {
        if (aotCacheFile != null && !Files.isRegularFile(aotCacheFile)) {
            train();
        }
        replenish();
    }

    /**
     * One training run: a worker started with {@code -XX:AOTCacheOutput} runs a few built-in tasks
     * over the real protocol and exits normally, and the JVM writes the cache as it exits.
     */
    private void train() {
        long t0 = System.nanoTime();
        Path partial = aotCacheFile.resolveSibling(aotCacheFile.getFileName() + ".part");
        try {
            Worker w = launch(List.of("-XX:AOTCacheOutput=" + partial));
            var done = new CompletableFuture<Void>();
            var remaining = new AtomicInteger(3);
            w.listen(event -> {
                if ((event instanceof Event.TaskDone || event instanceof Event.TaskFailed) && remaining.decrementAndGet() == 0) {
                    done.complete(null);
                }
            });
            var json = JsonNodeFactory.instance;
            String tasks = "dev.procpool.task.BuiltinTasks";
            w.send(new Command.RunTask(1, tasks, "echo", json.arrayNode().add(json.objectNode().put("k", "v")), null, false));
            w.send(new Command.RunTask(2, tasks, "square", null, json.objectNode().put("x", 7), false));
            w.send(new Command.RunTask(3, tasks, "fail", json.arrayNode().add("training"), null, false));
            done.get(30, TimeUnit.SECONDS);
            w.send(new Command.Shutdown());
            int code = w.exited().get(120, TimeUnit.SECONDS);
            if (code == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, aotCacheFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                LOG.log(System.Logger.Level.INFO, "trained the workers'' AOT cache {0} in {1} ms", aotCacheFile,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } else {
                LOG.log(System.Logger.Level.WARNING, "AOT training run ended with code {0}; workers start without the cache", code);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "AOT training failed; workers start without the cache: " + e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a stale part file is rewritten next time
            }
        }
    }

    /**
     * Starts spares in the background until there are {@code settings.spares()}; stops at a failure.
     * Not while any caller waits for a JVM of its own: in a burst every extra JVM booting would slow
     * the others down, as they all compete for the same cores. The last such caller tops up when its
     * worker is ready.
     */
    private void replenish() {
        while (!closed && lastFailure == null && foregroundLaunches.get() == 0 && spares.size() < settings.spares()) {
            var spare = new Spare(new CompletableFuture<>());
            spares.addLast(spare);
            Thread.ofVirtual().name("procpool-spare").start(() -> {
                try {
                    Worker w = launch();
                    if (closed) {
                        w.kill();
                    }
                    spare.worker().complete(w);
                } catch (RuntimeException e) {
                    spares.remove(spare);
                    spare.worker().completeExceptionally(e); // recorded for the health endpoint; the next acquire tries again
                }
            });
        }
    }

    private void beat() {
        long timeout = settings.heartbeatTimeout().toNanos();
        for (Worker w : live.values()) {
            if (w.nanosSinceHeard() > timeout && w.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, "{0} was silent for {1} s; killing it", w,
                        settings.heartbeatTimeout().toSeconds());
                w.kill();
                continue;
            }
            try {
                w.send(new Command.Ping(System.nanoTime()));
            } catch (IOException e) {
                // the exit watcher reports it
            }
        }
    }

    public Health health() {
        boolean javaOk = Files.isExecutable(settings.javaCommand());
        String detail = !javaOk ? settings.javaCommand() + " is not executable"
                : lastFailure != null ? lastFailure + " (at " + lastFailureAt + ")"
                : "workers launch";
        return new Health(javaOk && lastFailure == null, detail, live.size(),
                (int) spares.stream().map(Spare::worker).filter(f -> f.isDone() && !f.isCompletedExceptionally()).count(),
                aotCacheFile != null && Files.isRegularFile(aotCacheFile), lastStartup);
    }

    /** Kills every worker (SIGTERM, then SIGKILL after two seconds) and removes the socket. */
    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        List<Worker> all = new ArrayList<>(live.values());
        all.forEach(Worker::terminate);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Worker w : all) {
            try {
                w.exited().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                w.kill();
            }
        }
        all.forEach(Worker::kill);
        server.close();
    }
}
