package dev.procpool.api;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.pool.Job;
import dev.procpool.pool.PoolListener;
import dev.procpool.pool.PoolManager;
import dev.procpool.process.ProcessListener;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.ProcessSnapshot;
import dev.procpool.queue.Queues;
import dev.procpool.shared.SharedObjects;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hub behind {@code GET /api/events}. The engine's listeners only note what happened (quick,
 * under the pools' locks); every {@code procpool.events.interval} a ticker turns the notes into a
 * few events — one {@code tasks} event with the counts by pool and target, one {@code jobs} event
 * with the progress of the maps that moved, one {@code pools} event when any pool changed — so a
 * 100,000-item map sends a few events a second, not 100,000. Lifecycle events ({@code worker},
 * {@code pool}, {@code process}) go one by one, at most {@link #MAX_EVENTS_PER_TICK} a tick.
 * Queue depths are compared twice a second, shared values and synchronisation objects once a
 * second, and sent when they changed.
 *
 * <p>Each client has a bounded buffer of encoded events and its own (virtual) writer thread; a
 * client whose buffer is full is dropped — the ticker never waits for a client.
 */
@Component
final class LiveEvents implements PoolListener, ProcessListener, SmartLifecycle {

    private static final System.Logger LOG = System.getLogger(LiveEvents.class.getName());
    /** Lifecycle events sent in one tick; more are counted in a {@code skipped} event. */
    static final int MAX_EVENTS_PER_TICK = 200;
    /** Maps followed for progress at once; more run without progress events. */
    static final int MAX_JOBS = 1000;
    /** Processes in the first {@code snapshot} event, the most recent. */
    static final int SNAPSHOT_PROCESSES = 100;
    /** Seconds of throughput history in the {@code snapshot} event. */
    static final int HISTORY_SECONDS = 300;

    /** One encoded event, as it goes on the wire; CLOSE ends a stream. */
    record Frame(String name, String data) {
        static final Frame CLOSE = new Frame("", "");
    }

    private final PoolManager pools;
    private final ProcessManager processes;
    private final Queues queues;
    private final SharedObjects shared;
    private final JsonMapper json;
    private final ProcpoolProperties.Events settings;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    // notes from the listeners, guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, long[]> taskCounts = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final java.util.Set<Job> movedJobs = new java.util.LinkedHashSet<>();
    private final List<Frame> lifecycle = new ArrayList<>();
    private int skipped;
    private boolean poolsChanged;
    /** Tasks completed in each of the last {@link #HISTORY_SECONDS} seconds (slot = second % length), for the snapshot. */
    private final long[] completedIn = new long[HISTORY_SECONDS];
    private final long[] secondOf = new long[HISTORY_SECONDS];

    // last sent states of what is compared rather than noted; touched by the ticker thread only
    private String lastQueues = "";
    private String lastShared = "";
    private String lastSync = "";
    private long ticks;

    private volatile boolean running;
    private ScheduledExecutorService ticker;
    private ScheduledExecutorService slowTicker;

    LiveEvents(PoolManager pools, ProcessManager processes, Queues queues, SharedObjects shared, JsonMapper json,
               ProcpoolProperties properties, ObjectProvider<MeterRegistry> meters) {
        this.pools = pools;
        this.processes = processes;
        this.queues = queues;
        this.shared = shared;
        this.json = json;
        this.settings = properties.events();
        pools.addListener(this);
        processes.addListener(this);
        meters.ifAvailable(registry -> {
            Gauge.builder("procpool.events.clients", clients, List::size).description("Open /api/events streams").register(registry);
            FunctionCounter.builder("procpool.events.dropped", dropped, AtomicLong::get)
                    .description("/api/events clients dropped for falling procpool.events.buffer events behind").register(registry);
        });
    }

    // ---- clients --------------------------------------------------------------------------------

    private final class Client {
        final long id = clientIds.incrementAndGet();
        final ArrayBlockingQueue<Frame> buffer = new ArrayBlockingQueue<>(settings.buffer() + 1);
        /** Characters of the frames in {@link #buffer}: frames are shared by all clients, this is what this one keeps alive. */
        final AtomicLong buffered = new AtomicLong();
        final SseEmitter emitter;
        volatile String droppedWhy;

        Client(SseEmitter emitter) {
            this.emitter = emitter;
        }

        /**
         * Queues a frame; false when the client is too far behind. Keeps one place free for CLOSE. A
         * client with nothing waiting takes any one frame, however large: the bytes bound a backlog,
         * so one big event (a large shared snapshot) does not drop every client.
         */
        boolean offer(Frame f) {
            long size = f.data().length();
            long waiting = buffered.get();
            if (buffer.remainingCapacity() <= 1 || waiting > 0 && waiting + size > settings.bufferBytes().toBytes()) {
                return false;
            }
            buffered.addAndGet(size);
            if (!buffer.offer(f)) {
                buffered.addAndGet(-size);
                return false;
            }
            return true;
        }

        void write() {
            long deadline = System.nanoTime() + settings.maxStream().toNanos();
            try {
                while (droppedWhy == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Frame f = buffer.poll(Math.min(left, settings.heartbeat().toNanos()), TimeUnit.NANOSECONDS);
                    if (f == Frame.CLOSE) {
                        break;
                    }
                    if (f == null) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    } else {
                        buffered.addAndGet(-f.data().length());
                        emitter.send(SseEmitter.event().name(f.name()).data(f.data()));
                    }
                }
                if (droppedWhy != null) {
                    emitter.send(SseEmitter.event().name("dropped").data(droppedWhy));
                }
                emitter.complete();
            } catch (IOException | IllegalStateException gone) {
                emitter.completeWithError(gone);
            } catch (InterruptedException e) {
                emitter.complete();
            } finally {
                clients.remove(this);
            }
        }
    }

    /** Opens a stream: a {@code snapshot} event with everything as it is now, then the changes. */
    SseEmitter open() {
        if (!running) {
            throw new ShuttingDownException("the service is shutting down; it opens no new event streams");
        }
        if (clients.size() >= settings.maxClients()) {
            throw new TooManyStreamsException("at most " + settings.maxClients() + " event streams may be open at once",
                    settings.maxClients());
        }
        var emitter = new SseEmitter(settings.maxStream().toMillis() + 30_000);
        attach(emitter);
        return emitter;
    }

    /** Starts writing events to {@code emitter}: the snapshot first, then the changes. */
    void attach(SseEmitter emitter) {
        var client = new Client(emitter);
        Frame first = frame("snapshot", snapshot());
        client.buffered.addAndGet(first.data().length()); // taken whatever its size: a client starts from it
        client.buffer.offer(first);
        clients.add(client);
        Thread.ofVirtual().name("procpool-events-" + client.id).start(client::write);
    }

    private void broadcast(List<Frame> frames) {
        if (frames.isEmpty()) {
            return;
        }
        for (Client c : clients) {
            for (Frame f : frames) {
                if (!c.offer(f)) {
                    drop(c);
                    break;
                }
            }
        }
    }

    private void drop(Client c) {
        if (clients.remove(c)) {
            dropped.incrementAndGet();
            long bytes = settings.bufferBytes().toBytes();
            String size = bytes % (1 << 20) == 0 ? (bytes >> 20) + " MB" : bytes % 1024 == 0 ? (bytes >> 10) + " KB" : bytes + " bytes";
            c.droppedWhy = "this client fell " + settings.buffer() + " events or " + size
                    + " behind and was dropped; reconnect for a fresh snapshot";
            LOG.log(System.Logger.Level.INFO, "event stream {0} dropped: {1} events unread", c.id, c.buffer.size());
        }
    }

    int clientCount() {
        return clients.size();
    }

    long droppedCount() {
        return dropped.get();
    }

    // ---- what the engine tells ------------------------------------------------------------------

    @Override
    public void jobSubmitted(Job job) {
        lock.lock();
        try {
            poolsChanged = true;
            if (!job.single() && jobs.size() < MAX_JOBS) {
                jobs.put(job.id(), job);
                movedJobs.add(job);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void chunkEnded(Job job, int completed, int failed, long waitNanos, long runNanos) {
        count(job, completed, failed, 0);
    }

    @Override
    public void retried(Job job, int items) {
        count(job, 0, 0, items);
    }

    @Override
    public void lost(Job job, int items) {
        count(job, 0, items, 0);
    }

    /** Notes tasks of {@code job} that completed, failed or went back to the queue; once under the lock. */
    private void count(Job job, int completed, int failed, int retried) {
        lock.lock();
        try {
            poolsChanged = true;
            if (!job.single()) {
                movedJobs.add(job);
            }
            if (completed > 0) {
                long second = System.currentTimeMillis() / 1000;
                int slot = (int) (second % HISTORY_SECONDS);
                if (secondOf[slot] != second) {
                    secondOf[slot] = second;
                    completedIn[slot] = 0;
                }
                completedIn[slot] += completed;
            }
            if (!clients.isEmpty()) {
                long[] c = taskCounts.computeIfAbsent(job.pool() + '\0' + job.target(), k -> new long[3]);
                c[0] += completed;
                c[1] += failed;
                c[2] += retried;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void workerStarted(String pool, long pid) {
        note("worker", map("event", "started", "pool", pool, "pid", pid));
    }

    @Override
    public void workerExited(String pool, long pid, int exitcode, WorkerExit cause, boolean replaced) {
        note("worker", map("event", "exited", "pool", pool, "pid", pid, "exitcode", exitcode, "cause", cause.tag(), "replaced", replaced));
    }

    @Override
    public void launchFailed(String pool, String message) {
        note("worker", map("event", "launch-failed", "pool", pool, "message", message));
    }

    @Override
    public void poolChanged(String pool, String state) {
        note("pool", map("pool", pool, "state", state));
    }

    @Override
    public void processStarted(ProcessSnapshot process, long startupNanos) {
        note("process", map("event", "started", "startupMillis", startupNanos / 1e6, "process", ProcessResponse.of(process)));
    }

    @Override
    public void processExited(ProcessSnapshot process) {
        note("process", map("event", "exited", "process", ProcessResponse.of(process)));
    }

    private void note(String name, Map<String, Object> data) {
        boolean aboutPools = !name.equals("process");
        Frame f = clients.isEmpty() ? null : frame(name, data);
        lock.lock();
        try {
            poolsChanged |= aboutPools;
            if (f == null) {
                return;
            }
            if (lifecycle.size() < MAX_EVENTS_PER_TICK) {
                lifecycle.add(f);
            } else {
                skipped++;
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the ticks ------------------------------------------------------------------------------

    /** Gathers the notes of the last interval into events. */
    void tick() {
        List<Frame> frames = new ArrayList<>();
        List<Map<String, Object>> counts = new ArrayList<>();
        java.util.Set<Job> moved;
        boolean poolsMoved;
        int skippedNow;
        lock.lock();
        try {
            frames.addAll(lifecycle);
            lifecycle.clear();
            skippedNow = skipped;
            skipped = 0;
            taskCounts.forEach((key, c) -> {
                int cut = key.indexOf('\0');
                counts.add(map("pool", key.substring(0, cut), "target", key.substring(cut + 1),
                        "completed", c[0], "failed", c[1], "retried", c[2]));
            });
            taskCounts.clear();
            moved = new java.util.LinkedHashSet<>(movedJobs);
            movedJobs.clear();
            for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
                Job j = it.next();
                if (j.isDone()) {
                    it.remove();
                    moved.add(j); // its last progress, ready
                }
            }
            poolsMoved = poolsChanged;
            poolsChanged = false;
        } finally {
            lock.unlock();
        }
        if (clients.isEmpty()) {
            lastQueues = "";
            return;
        }
        if (skippedNow > 0) {
            frames.add(frame("skipped", map("events", skippedNow)));
        }
        if (!counts.isEmpty()) {
            frames.add(frame("tasks", counts));
        }
        if (!moved.isEmpty()) {
            frames.add(frame("jobs", moved.stream().map(LiveEvents::progress).toList()));
        }
        if (poolsMoved) {
            frames.add(frame("pools", poolViews()));
        }
        if (ticks++ % 2 == 0) {
            Frame q = frame("queues", queues.list());
            if (!q.data().equals(lastQueues)) {
                lastQueues = q.data();
                frames.add(q);
            }
        }
        broadcast(frames);
    }

    /** Shared values and synchronisation objects: read under their locks, so on a thread of their own. */
    void slowTick() {
        if (clients.isEmpty()) {
            lastShared = "";
            lastSync = "";
            return;
        }
        var frames = new ArrayList<Frame>();
        Map<String, Object> snapshot = SharedController.snapshot(shared);
        snapshot.remove("timestamp");
        Frame s = frame("shared", snapshot);
        if (!s.data().equals(lastShared)) {
            lastShared = s.data();
            frames.add(s);
        }
        Frame y = frame("sync", SyncController.all(shared));
        if (!y.data().equals(lastSync)) {
            lastSync = y.data();
            frames.add(y);
        }
        broadcast(frames);
    }

    private Map<String, Object> snapshot() {
        List<ProcessSnapshot> all = processes.list(null);
        List<Job> running;
        long now = System.currentTimeMillis() / 1000;
        long[] history = new long[HISTORY_SECONDS];
        lock.lock();
        try {
            running = jobs.values().stream().filter(j -> !j.isDone()).toList();
            for (int i = 0; i < HISTORY_SECONDS; i++) {
                long second = now - HISTORY_SECONDS + 1 + i;
                int slot = (int) (second % HISTORY_SECONDS);
                history[i] = secondOf[slot] == second ? completedIn[slot] : 0;
            }
        } finally {
            lock.unlock();
        }
        Map<String, Object> snapshot = SharedController.snapshot(shared);
        snapshot.remove("timestamp");
        return map("timestamp", Instant.now(),
                "pools", poolViews(),
                "jobs", running.stream().map(LiveEvents::progress).toList(),
                "processes", all.subList(Math.max(0, all.size() - SNAPSHOT_PROCESSES), all.size()).stream().map(ProcessResponse::of).toList(),
                "queues", queues.list(),
                "shared", snapshot,
                "sync", SyncController.all(shared),
                "throughput", map("until", now, "completed", history),
                "interval", settings.interval().toMillis());
    }

    private List<PoolViews.PoolView> poolViews() {
        return pools.list().stream().map(p -> PoolViews.PoolView.of(p.status())).toList();
    }

    private static Map<String, Object> progress(Job j) {
        boolean ready = j.isDone();
        Job.Failure f = ready ? j.failure() : null;
        var out = map("id", j.id(), "pool", j.pool(), "target", j.target(), "done", j.done(), "total", j.total(), "ready", ready);
        if (ready) {
            out.put("successful", f == null);
            if (f != null) {
                out.put("error", f.message());
            }
        }
        return out;
    }

    private Frame frame(String name, Object data) {
        return new Frame(name, json.writeValueAsString(data));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public void start() {
        long every = settings.interval().toMillis();
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-events").factory());
        ticker.scheduleWithFixedDelay(guarded(this::tick), every, every, TimeUnit.MILLISECONDS);
        slowTicker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-events-shared").factory());
        slowTicker.scheduleWithFixedDelay(guarded(this::slowTick), 1000, 1000, TimeUnit.MILLISECONDS);
        running = true;
    }

    private static Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "live events: a tick failed", e);
            }
        };
    }

    /** Ends every stream first, so the web server's graceful shutdown does not wait for them. */
    @Override
    public void stop() {
        running = false;
        if (ticker != null) {
            ticker.shutdownNow();
            slowTicker.shutdownNow();
        }
        for (Client c : clients) {
            c.buffer.clear();
            c.buffer.offer(Frame.CLOSE);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
