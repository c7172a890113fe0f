package dev.procpool.process;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.RemoteError;
import dev.procpool.task.TaskCatalog;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;

/**
 * {@code multiprocessing.Process} for the service: each started process runs one task in a
 * worker JVM of its own and ends that JVM when the task ends. Calls are checked (target,
 * arguments, name, caps) before any worker is used. The table of processes is bounded:
 * at most {@link ProcessLimits#maxLive()} run at once, and past
 * {@link ProcessLimits#maxRetained()} records the oldest exited one is forgotten.
 */
public final class ProcessManager implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ProcessManager.class.getName());
    /** User-chosen names, as the API contract says. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** How long terminate and kill wait for the process to end before answering. */
    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(2);

    /** What a client asks for when it creates a process. */
    public record Spec(String target, JsonNode args, JsonNode kwargs, String name, boolean daemon) {
    }

    private final TaskCatalog catalog;
    private final WorkerLauncher launcher;
    private final ProcessLimits limits;
    private final Clock clock;
    private final Map<String, ManagedProcess> processes = new ConcurrentHashMap<>();
    private final AtomicLong names = new AtomicLong();
    private final AtomicLong taskIds = new AtomicLong();
    private final SharedReferences shared;
    private final AtomicInteger live = new AtomicInteger();
    private final ReentrantLock createLock = new ReentrantLock();
    private final List<ProcessListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ProcessManager(TaskCatalog catalog, WorkerLauncher launcher, ProcessLimits limits, Clock clock) {
        this(catalog, launcher, limits, clock, SharedReferences.NONE);
    }

    public ProcessManager(TaskCatalog catalog, WorkerLauncher launcher, ProcessLimits limits, Clock clock, SharedReferences shared) {
        this.shared = shared;
        this.catalog = catalog;
        this.launcher = launcher;
        this.limits = limits;
        this.clock = clock;
    }

    /** Adds a listener (see {@link ProcessListener} for its rules). */
    public void addListener(ProcessListener listener) {
        listeners.add(listener);
    }

    private void notify(java.util.function.Consumer<ProcessListener> call) {
        for (ProcessListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "process listener " + l + " failed", e);
            }
        }
    }

    /** Creates a process; with {@code start} also starts it and returns it running. */
    public ProcessSnapshot create(Spec spec, boolean start) {
        TaskMethod method = catalog.require(spec.target());
        SharedReferences.Call refs = shared.call();
        method.validate(spec.args(), spec.kwargs(), refs);
        if (spec.name() != null && !NAME.matcher(spec.name()).matches()) {
            throw new IllegalArgumentException("name must match " + NAME.pattern());
        }
        if (start && live.get() >= limits.maxLive()) {
            throw liveLimit();
        }
        ManagedProcess p;
        createLock.lock();
        try {
            makeRoom();
            String id = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String name = spec.name() != null ? spec.name() : "Process-" + names.incrementAndGet();
            p = new ManagedProcess(id, name, spec, method, clock.instant(), refs.refs());
            processes.put(id, p);
        } finally {
            createLock.unlock();
        }
        if (start) {
            try {
                return start(p.id);
            } catch (RuntimeException e) {
                processes.remove(p.id);
                throw e;
            }
        }
        return p.snapshot();
    }

    private void makeRoom() {
        if (processes.size() < limits.maxRetained()) {
            return;
        }
        Optional<ManagedProcess> oldest = processes.values().stream()
                .filter(p -> p.snapshot().state() == ProcessState.EXITED)
                .min(Comparator.comparing(p -> p.createdAt));
        if (oldest.isEmpty()) {
            throw new ProcessLimitException("the process table is full (" + limits.maxRetained()
                    + " records, none exited); delete some processes", limits.maxRetained());
        }
        processes.remove(oldest.get().id);
    }

    private ProcessLimitException liveLimit() {
        return new ProcessLimitException("at most " + limits.maxLive() + " processes may run at once", limits.maxLive());
    }

    /** Starts a created process: takes a worker, sends it the task, and returns the process running. */
    public ProcessSnapshot start(String id) {
        ManagedProcess p = require(id);
        p.lock.lock();
        try {
            if (p.state != ProcessState.CREATED || p.starting) {
                throw new ProcessStateException("process " + id + " was already started", p.state);
            }
            if (live.incrementAndGet() > limits.maxLive()) {
                live.decrementAndGet();
                throw liveLimit();
            }
            p.starting = true;
            p.startAskedAt = System.nanoTime();
        } finally {
            p.lock.unlock();
        }
        Worker worker;
        try {
            worker = launcher.acquire();
        } catch (RuntimeException e) {
            p.lock.lock();
            try {
                p.starting = false;
            } finally {
                p.lock.unlock();
            }
            live.decrementAndGet();
            throw e;
        }
        p.lock.lock();
        try {
            p.worker = worker;
            p.state = ProcessState.RUNNING;
            p.starting = false;
            p.startedAt = clock.instant();
            worker.listen(event -> {
                p.onEvent(event);
                if (event instanceof Event.TaskStarted) {
                    long startup = System.nanoTime() - p.startAskedAt;
                    ProcessSnapshot s = p.snapshot();
                    notify(l -> l.processStarted(s, startup));
                }
            });
            worker.exited().whenComplete((code, e) -> ended(p, code == null ? -1 : code));
            try {
                worker.send(new Command.RunTask(taskIds.incrementAndGet(), p.method.className(), p.method.name(),
                        p.spec.args(), p.spec.kwargs(), true, p.refs));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0} for process {1} died before it got its task", worker, id);
                worker.kill();
            }
            if (p.signalRequested != null) {
                p.signalRequested.run();
            }
        } finally {
            p.lock.unlock();
        }
        return p.snapshot();
    }

    private void ended(ManagedProcess p, int rawExitCode) {
        p.lock.lock();
        try {
            p.exitcode = exitcode(rawExitCode, p.worker.declaredExitCode());
            p.state = ProcessState.EXITED;
            p.endedAt = clock.instant();
        } finally {
            p.lock.unlock();
        }
        live.decrementAndGet();
        p.ended.complete(null);
        ProcessSnapshot s = p.snapshot();
        notify(l -> l.processExited(s));
        LOG.log(System.Logger.Level.DEBUG, "process {0} ({1}) exited with {2}", p.id, p.worker, p.exitcode);
    }

    /**
     * Python's exit code from a JVM's exit status: Java reports death by signal N as 128+N, which
     * Python shows as -N; a code the worker declared it would exit with is taken as it is.
     */
    public static int exitcode(int raw, Integer declared) {
        if (declared != null && declared == raw) {
            return raw;
        }
        if (raw > 128 && raw < 128 + 65) {
            return -(raw - 128);
        }
        return raw;
    }

    public ProcessSnapshot get(String id) {
        return require(id).snapshot();
    }

    /** Every process, oldest first, optionally only those in {@code state}. */
    public List<ProcessSnapshot> list(ProcessState state) {
        return processes.values().stream()
                .sorted(Comparator.comparing((ManagedProcess p) -> p.createdAt).thenComparing(p -> p.id))
                .map(ManagedProcess::snapshot)
                .filter(s -> state == null || s.state() == state)
                .toList();
    }

    /** Waits up to {@code timeout} for the process to exit; returns it as it is then. */
    public ProcessSnapshot join(String id, Duration timeout) throws InterruptedException {
        ManagedProcess p = require(id);
        p.lock.lock();
        try {
            if (p.state == ProcessState.CREATED && !p.starting) {
                throw new ProcessStateException("can only join a started process", p.state);
            }
        } finally {
            p.lock.unlock();
        }
        awaitEnd(p, timeout);
        return p.snapshot();
    }

    /** SIGTERM, and SIGKILL after the grace period if it is still alive; returns the process once it ended or after 2 s. */
    public ProcessSnapshot terminate(String id) throws InterruptedException {
        return signal(id, false);
    }

    /** SIGKILL; returns the process once it ended or after 2 s. */
    public ProcessSnapshot kill(String id) throws InterruptedException {
        return signal(id, true);
    }

    private ProcessSnapshot signal(String id, boolean kill) throws InterruptedException {
        ManagedProcess p = require(id);
        p.lock.lock();
        try {
            switch (p.state) {
                case CREATED -> {
                    if (!p.starting) {
                        throw new ProcessStateException("process " + id + " has not been started", p.state);
                    }
                    p.signalRequested = () -> send(p, kill);
                }
                case RUNNING -> send(p, kill);
                case EXITED -> {
                    return p.snapshot();
                }
            }
        } finally {
            p.lock.unlock();
        }
        awaitEnd(p, SIGNAL_WAIT);
        return p.snapshot();
    }

    private void send(ManagedProcess p, boolean kill) {
        Worker w = p.worker;
        if (kill) {
            w.kill();
            return;
        }
        w.terminate();
        if (!limits.terminateGrace().isZero()) {
            Thread.ofVirtual().start(() -> {
                try {
                    p.ended.get(limits.terminateGrace().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    LOG.log(System.Logger.Level.WARNING, "{0} ignored SIGTERM for {1}; killing it", w, limits.terminateGrace());
                    w.kill();
                } catch (InterruptedException | ExecutionException ignored) {
                    // ended or shutting down
                }
            });
        }
    }

    private static void awaitEnd(ManagedProcess p, Duration timeout) throws InterruptedException {
        try {
            p.ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running: the caller reports it as it is
        }
    }

    /** The process's captured output, or null when it has not started. */
    public OutputBuffer output(String id) {
        Worker w = require(id).worker;
        return w == null ? null : w.output();
    }

    /** Completes when the process has exited. */
    public CompletableFuture<Void> ended(String id) {
        return require(id).ended;
    }

    /** Forgets a process that is not running. */
    public void delete(String id) {
        ManagedProcess p = require(id);
        p.lock.lock();
        try {
            if (p.state == ProcessState.RUNNING || p.starting) {
                throw new ProcessStateException("process " + id + " is alive; terminate or join it first", p.state);
            }
            processes.remove(id);
        } finally {
            p.lock.unlock();
        }
    }

    public int liveCount() {
        return live.get();
    }

    private ManagedProcess require(String id) {
        ManagedProcess p = id == null ? null : processes.get(id);
        if (p == null) {
            throw new ProcessNotFoundException(id);
        }
        return p;
    }

    /** Kills the workers of running processes; the launcher removes the rest. */
    @Override
    public void close() {
        processes.values().forEach(p -> {
            Worker w = p.worker;
            if (w != null && w.isAlive()) {
                w.kill();
            }
        });
    }

    /** One process and its mutable state, guarded by {@link #lock}. */
    private static final class ManagedProcess {
        final String id;
        final String name;
        final Spec spec;
        final TaskMethod method;
        final Instant createdAt;
        /** The shared objects its arguments refer to, and their files. */
        final Map<String, String> refs;
        final ReentrantLock lock = new ReentrantLock();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        ProcessState state = ProcessState.CREATED;
        boolean starting;
        long startAskedAt;
        Runnable signalRequested;
        volatile Worker worker;
        Instant startedAt;
        Instant endedAt;
        Integer exitcode;
        JsonNode result;
        RemoteError error;
        ProcessSnapshot.Progress progress;

        ManagedProcess(String id, String name, Spec spec, TaskMethod method, Instant createdAt, Map<String, String> refs) {
            this.refs = refs;
            this.id = id;
            this.name = name;
            this.spec = Objects.requireNonNull(spec);
            this.method = method;
            this.createdAt = createdAt;
        }

        void onEvent(Event event) {
            lock.lock();
            try {
                switch (event) {
                    case Event.TaskDone done -> result = done.result();
                    case Event.TaskFailed failed -> error = failed.error();
                    case Event.TaskProgress(long taskId, long done, long total) -> progress = new ProcessSnapshot.Progress(done, total);
                    case Event.TaskStarted started -> { }
                    case Event.ChunkDone chunk -> { }
                    case Event.ChunkFailed chunk -> { }
                    case Event.Exiting exiting -> { }
                    case Event.Pong pong -> { }
                    case Event.Hello hello -> { }
                    case Event.QueueRequest request -> { } // served by the launcher's request handler
                }
            } finally {
                lock.unlock();
            }
        }

        ProcessSnapshot snapshot() {
            lock.lock();
            try {
                Worker w = worker;
                OutputBuffer out = w == null ? null : w.output();
                return new ProcessSnapshot(id, name, spec.target(), spec.daemon(), w == null ? null : w.pid(), state,
                        exitcode, result, error, progress, createdAt, startedAt, endedAt,
                        out == null ? 0 : out.total(), out == null ? 0 : out.dropped());
            } finally {
                lock.unlock();
            }
        }
    }
}
