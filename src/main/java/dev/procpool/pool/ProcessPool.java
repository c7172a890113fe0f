package dev.procpool.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.ipc.RawJson;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.Worker;
import dev.procpool.process.WorkerLaunchException;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;

/**
 * {@code multiprocessing.Pool}: a fixed number of worker slots, a queue of chunks, and the calls
 * (jobs) they belong to. Each slot keeps up to {@link #PIPELINE} chunks in its worker, so the next
 * chunk is there before the current one ends. A worker that dies is replaced at once and the
 * chunks it held are retried up to {@code retries} times; a job past its deadline is failed and
 * the workers running it are killed and replaced. Nothing waits forever.
 *
 * <p>All state is guarded by one lock; commands are sent after it is released.
 */
public final class ProcessPool {

    private static final System.Logger LOG = System.getLogger(ProcessPool.class.getName());
    /** Chunks a worker holds at once: one running, one waiting in its socket. */
    static final int PIPELINE = 2;
    private static final long INITIALIZER_TASK = -1;
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(1);

    public enum State { RUNNING, CLOSED, TERMINATED }

    /**
     * @param processes        worker slots
     * @param maxtasksperchild chunks a worker runs before it is replaced; 0 for no limit
     * @param initializer      task run once in each new worker, or null
     * @param initargs         its arguments (a JSON array), or null
     * @param retries          times a chunk is retried after its worker died
     * @param maxPending       items that may wait in the queue; beyond it a submission is refused
     */
    public record Settings(String name, int processes, int maxtasksperchild, TaskMethod initializer, JsonNode initargs,
                           java.util.Map<String, String> initRefs, int retries, long maxPending) {
        public Settings {
            initRefs = initRefs == null ? java.util.Map.of() : java.util.Map.copyOf(initRefs);
        }
    }

    public record WorkerStatus(Long pid, String state, String task, long tasksDone) {
    }

    public record Status(String name, int processes, State state, Integer maxtasksperchild, List<WorkerStatus> workers,
                         long pending, long active, long completed, long failed, String lastError) {
    }

    private final Settings settings;
    private final WorkerLauncher launcher;
    private final ScheduledExecutorService timer;
    private final PoolListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Slot[] slots;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final Map<Long, Chunk> running = new HashMap<>();
    private final AtomicLong chunkIds = new AtomicLong();
    private final FrameCodec codec = new FrameCodec();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private State state = State.RUNNING;
    private long pendingItems;
    private long activeItems;
    private long completedItems;
    private long failedItems;
    private String lastError;

    ProcessPool(Settings settings, WorkerLauncher launcher, ScheduledExecutorService timer) {
        this(settings, launcher, timer, new PoolListener() { });
    }

    ProcessPool(Settings settings, WorkerLauncher launcher, ScheduledExecutorService timer, PoolListener listener) {
        this.settings = settings;
        this.launcher = launcher;
        this.timer = timer;
        this.listener = listener;
        this.slots = new Slot[settings.processes()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
            startWorker(slots[i], Duration.ZERO);
        }
    }

    public String name() {
        return settings.name();
    }

    public Settings settings() {
        return settings;
    }

    /** Items {@code start..end-1} of a job, sent to one worker as one frame. */
    private static final class Chunk {
        final long id;
        final Job job;
        final Items items;
        final int start;
        final int end;
        final Command.Spread spread;
        /** When it was queued ({@link System#nanoTime}), and when its worker began it (0 while waiting). */
        final long queuedAt = System.nanoTime();
        long startedAt;
        int attempts;

        Chunk(long id, Job job, Items items, int start, int end, Command.Spread spread) {
            this.id = id;
            this.job = job;
            this.items = items;
            this.start = start;
            this.end = end;
            this.spread = spread;
        }

        int size() {
            return end - start;
        }

        String describe() {
            return job.target() + " items [" + start + ", " + (start + size()) + ")";
        }
    }

    /** Why the pool killed a slot's worker: chunks of other calls lost with it are not their fault. */
    private enum KillReason { NONE, TIMEOUT, TERMINATE }

    private final class Slot {
        final int index;
        Worker worker;
        boolean starting;
        boolean ready;
        boolean retiring;
        boolean initializerFailed;
        KillReason killed = KillReason.NONE;
        long tasksDone;
        long chunksThisWorker;
        final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();

        Slot(int index) {
            this.index = index;
        }
    }

    /** A command, or an already encoded frame, for one worker. */
    private record Send(Worker worker, Command command, byte[] frame) {
        Send(Worker worker, Command command) {
            this(worker, command, null);
        }
    }

    // ---- submitting -------------------------------------------------------------------------

    /**
     * Queues a job over {@code items} (each an argument, a list of arguments, or an
     * {@code {args, kwargs}} object, as {@code spread} says) in chunks of {@code chunksize}.
     */
    void submit(Job job, Items items, Command.Spread spread, int chunksize, Duration timeout) {
        List<Send> sends;
        lock.lock();
        try {
            if (state != State.RUNNING) {
                throw new PoolStateException("pool '" + name() + "' is " + state.name().toLowerCase() + "; it takes no new work");
            }
            if (pendingItems + items.size() > settings.maxPending()) {
                throw new PoolBusyException("pool '" + name() + "' has " + pendingItems + " items waiting; at most "
                        + settings.maxPending() + " may wait", settings.maxPending());
            }
            for (int start = 0; start < items.size(); start += chunksize) {
                int end = Math.min(items.size(), start + chunksize);
                queue.addLast(new Chunk(chunkIds.incrementAndGet(), job, items, start, end, spread));
                pendingItems += end - start;
            }
            listener.jobSubmitted(job);
            sends = pump();
        } finally {
            lock.unlock();
        }
        send(sends);
        if (timeout != null && !job.isDone()) {
            var deadline = timer.schedule(() -> timeOut(job, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
            job.finished().whenComplete((j, e) -> deadline.cancel(false));
        }
    }

    /**
     * Fills every ready slot, round robin: one chunk each, then a second one each (so a worker has
     * its next chunk before the current one ends) while the queue holds at least a chunk per slot.
     * Near the end of the work, chunks stay queued for whichever worker is free first, so a long
     * chunk cannot hold a short one hostage behind it. Returns what to send.
     */
    private List<Send> pump() {
        var sends = new ArrayList<Send>();
        for (int depth = 1; depth <= PIPELINE; depth++) {
            if (depth > 1 && queue.size() < slots.length) {
                break;
            }
            for (Slot slot : slots) {
                if (slot.worker == null || !slot.ready || slot.retiring || slot.inFlight.size() >= depth || due(slot)) {
                    continue;
                }
                Chunk c = nextQueued();
                if (c == null) {
                    return sends;
                }
                c.startedAt = slot.inFlight.isEmpty() ? System.nanoTime() : 0;
                slot.inFlight.addLast(c);
                running.put(c.id, c);
                activeItems += c.size();
                TaskMethod m = c.job.method();
                byte[] frame = codec.encodeRunChunk(c.id, m.className(), m.name(), c.spread, c.job.refs(), c.items.bytes(),
                        c.items.offset(c.start), c.items.length(c.start, c.end));
                sends.add(new Send(slot.worker, null, frame));
            }
        }
        return sends;
    }

    /** Whether the slot's worker already has all the chunks {@code maxtasksperchild} lets it run, done or in flight. */
    private boolean due(Slot slot) {
        int max = settings.maxtasksperchild();
        return max > 0 && slot.chunksThisWorker + slot.inFlight.size() >= max;
    }

    private Chunk nextQueued() {
        Chunk c;
        while ((c = queue.pollFirst()) != null) {
            pendingItems -= c.size();
            if (!c.job.isDone()) {
                return c;
            }
        }
        return null;
    }

    private static void send(List<Send> sends) {
        for (Send s : sends) {
            try {
                if (s.frame() != null) {
                    s.worker().sendPayload(s.frame());
                } else {
                    s.worker().send(s.command());
                }
            } catch (IOException e) {
                // the worker is dying; its exit puts the chunk back
            }
        }
    }

    // ---- workers ----------------------------------------------------------------------------

    private void startWorker(Slot slot, Duration delay) {
        slot.starting = true;
        Thread.ofVirtual().name("procpool-pool-" + name() + "-" + slot.index).start(() -> {
            Worker w;
            try {
                if (!delay.isZero()) {
                    Thread.sleep(delay);
                }
                w = launcher.acquire();
            } catch (WorkerLaunchException | InterruptedException e) {
                launchFailed(slot, e);
                return;
            }
            List<Send> sends = List.of();
            lock.lock();
            try {
                slot.starting = false;
                if (!wantsWorker()) {
                    w.kill();
                    checkStopped();
                    return;
                }
                slot.worker = w;
                slot.ready = settings.initializer() == null;
                slot.retiring = false;
                slot.initializerFailed = false;
                slot.killed = KillReason.NONE;
                slot.chunksThisWorker = 0;
                listener.workerStarted(name(), w.pid());
                w.listen(event -> onEvent(slot, w, event));
                w.exited().whenComplete((code, e) -> onExit(slot, w, code == null ? -1 : code));
                if (slot.ready) {
                    sends = pump();
                } else {
                    TaskMethod init = settings.initializer();
                    sends = List.of(new Send(w, new Command.RunTask(INITIALIZER_TASK, init.className(), init.name(),
                            settings.initargs(), null, false, settings.initRefs())));
                }
            } finally {
                lock.unlock();
            }
            send(sends);
        });
    }

    private void launchFailed(Slot slot, Exception e) {
        lock.lock();
        try {
            slot.starting = false;
            lastError = "a worker could not be started: " + e.getMessage();
            listener.launchFailed(name(), lastError);
            if (!wantsWorker()) {
                checkStopped();
                return;
            }
            if (readySlots() == 0) {
                failQueued(new Job.Failure(Job.FailureKind.POOL_FAILED, lastError, null));
            }
            startWorker(slot, RESTART_BACKOFF);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a slot without a worker should get one: the pool runs, or closed work remains. */
    private boolean wantsWorker() {
        return state == State.RUNNING || state == State.CLOSED && (!queue.isEmpty() || !running.isEmpty());
    }

    private int readySlots() {
        int n = 0;
        for (Slot s : slots) {
            if (s.worker != null && s.ready) {
                n++;
            }
        }
        return n;
    }

    private void onEvent(Slot slot, Worker w, Event event) {
        List<Send> sends = List.of();
        Worker kill = null;
        lock.lock();
        try {
            if (slot.worker != w) {
                return;
            }
            switch (event) {
                case Event.ChunkDone(long chunkId, RawJson results) -> {
                    Chunk c = finishChunk(slot, chunkId);
                    if (c != null) {
                        completedItems += c.size();
                        c.job.place(c.start, c.size(), results);
                        ended(c, c.size(), 0);
                    }
                    sends = afterChunk(slot);
                }
                case Event.ChunkFailed(long chunkId, int index, JsonNode partial, var error) -> {
                    Chunk c = finishChunk(slot, chunkId);
                    if (c != null) {
                        completedItems += index;
                        failedItems += 1;
                        if (partial != null && !partial.isEmpty()) {
                            c.job.place(c.start, partial);
                        }
                        c.job.fail(new Job.Failure(Job.FailureKind.TASK_ERROR, error.type() + ": " + error.message(), error));
                        ended(c, index, 1);
                    }
                    sends = afterChunk(slot);
                }
                case Event.TaskDone(long taskId, JsonNode result) -> {
                    if (taskId == INITIALIZER_TASK) {
                        slot.ready = true;
                        sends = pump();
                    }
                }
                case Event.TaskFailed(long taskId, var error) -> {
                    if (taskId == INITIALIZER_TASK) {
                        lastError = "the initializer " + settings.initializer().name() + " raised " + error.type() + ": " + error.message();
                        LOG.log(System.Logger.Level.WARNING, "pool {0}: {1}", name(), lastError);
                        failQueued(new Job.Failure(Job.FailureKind.TASK_ERROR, lastError, error));
                        slot.initializerFailed = true;
                        kill = w;
                    }
                }
                case Event.TaskStarted started -> { }
                case Event.TaskProgress progress -> { }
                case Event.Exiting exiting -> { }
                case Event.Pong pong -> { }
                case Event.Hello hello -> { }
                case Event.QueueRequest request -> { } // served by the launcher's request handler
            }
        } finally {
            lock.unlock();
        }
        if (kill != null) {
            kill.kill();
        }
        send(sends);
    }

    private Chunk finishChunk(Slot slot, long chunkId) {
        Chunk c = running.remove(chunkId);
        if (c == null) {
            return null;
        }
        slot.inFlight.remove(c);
        Chunk next = slot.inFlight.peekFirst();
        if (next != null && next.startedAt == 0) {
            next.startedAt = System.nanoTime(); // the worker takes its next chunk as soon as this one ends
        }
        activeItems -= c.size();
        slot.tasksDone += c.size();
        slot.chunksThisWorker++;
        if (settings.maxtasksperchild() > 0 && slot.chunksThisWorker >= settings.maxtasksperchild()) {
            slot.retiring = true;
        }
        return c;
    }

    private void ended(Chunk c, int completed, int failed) {
        long now = System.nanoTime();
        long started = c.startedAt == 0 ? now : c.startedAt;
        listener.chunkEnded(c.job, completed, failed, started - c.queuedAt, now - started);
    }

    /** After a chunk ended on {@code slot}: retire its worker if due, feed the slots, stop idle workers of a closed pool. */
    private List<Send> afterChunk(Slot slot) {
        var sends = new ArrayList<Send>();
        if (slot.retiring && slot.inFlight.isEmpty()) {
            sends.add(new Send(slot.worker, new Command.Shutdown()));
        }
        sends.addAll(pump());
        if (state == State.CLOSED && queue.isEmpty() && running.isEmpty()) {
            for (Slot s : slots) {
                if (s.worker != null && !(s == slot && slot.retiring)) {
                    sends.add(new Send(s.worker, new Command.Shutdown()));
                }
            }
        }
        return sends;
    }

    private void onExit(Slot slot, Worker w, int rawCode) {
        List<Send> sends;
        lock.lock();
        try {
            if (slot.worker != w) {
                return;
            }
            int exitcode = ProcessManager.exitcode(rawCode, w.declaredExitCode());
            boolean expected = slot.retiring && slot.inFlight.isEmpty() || state != State.RUNNING && slot.inFlight.isEmpty();
            if (!expected) {
                LOG.log(System.Logger.Level.WARNING, "pool {0}: {1} exited with {2} holding {3} chunk(s); replacing it",
                        name(), w, exitcode, slot.inFlight.size());
            }
            for (Chunk c : slot.inFlight) {
                running.remove(c.id);
                activeItems -= c.size();
                if (c.job.isDone()) {
                    continue;
                }
                boolean innocent = slot.killed == KillReason.TIMEOUT;
                if (state != State.TERMINATED && (innocent || ++c.attempts <= settings.retries())) {
                    c.startedAt = 0;
                    queue.addFirst(c);
                    pendingItems += c.size();
                    listener.retried(c.job, c.size());
                } else {
                    failedItems += c.size();
                    listener.lost(c.job, c.size());
                    c.job.fail(new Job.Failure(Job.FailureKind.WORKER_LOST, "worker pid " + w.pid() + " exited with code "
                            + exitcode + " while running " + c.describe() + " (attempt " + c.attempts + " of "
                            + (settings.retries() + 1) + ")", null));
                }
            }
            slot.inFlight.clear();
            slot.worker = null;
            slot.ready = false;
            PoolListener.WorkerExit cause = slot.initializerFailed ? PoolListener.WorkerExit.INITIALIZER_FAILED
                    : slot.killed == KillReason.TIMEOUT ? PoolListener.WorkerExit.TIMED_OUT
                    : slot.killed == KillReason.TERMINATE || expected && state != State.RUNNING ? PoolListener.WorkerExit.STOPPED
                    : expected ? PoolListener.WorkerExit.RECYCLED : PoolListener.WorkerExit.CRASHED;
            boolean replace = wantsWorker();
            listener.workerExited(name(), w.pid(), exitcode, cause, replace);
            if (replace) {
                boolean initFailed = lastError != null && lastError.startsWith("the initializer");
                startWorker(slot, initFailed ? RESTART_BACKOFF : Duration.ZERO);
            }
            sends = pump();
            checkStopped();
        } finally {
            lock.unlock();
        }
        send(sends);
    }

    private void checkStopped() {
        if (state == State.RUNNING) {
            return;
        }
        for (Slot s : slots) {
            if (s.worker != null || s.starting) {
                return;
            }
        }
        stopped.complete(null);
    }

    private void failQueued(Job.Failure why) {
        for (Chunk c : queue) {
            c.job.fail(why);
        }
        queue.clear();
        pendingItems = 0;
    }

    // ---- deadlines, cancelling, closing ------------------------------------------------------

    private void timeOut(Job job, Duration timeout) {
        var kills = new ArrayList<Worker>();
        lock.lock();
        try {
            if (!job.fail(new Job.Failure(Job.FailureKind.TIMEOUT, job.target() + " did not finish within "
                    + seconds(timeout) + " s; its running tasks were killed", null))) {
                return;
            }
            for (Slot s : slots) {
                if (s.worker != null && s.inFlight.stream().anyMatch(c -> c.job == job)) {
                    s.killed = KillReason.TIMEOUT;
                    kills.add(s.worker);
                }
            }
        } finally {
            lock.unlock();
        }
        kills.forEach(Worker::kill);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    /** Cancels what has not started; chunks already running finish and their results are dropped. */
    void cancel(Job job) {
        job.fail(new Job.Failure(Job.FailureKind.CANCELLED, "cancelled", null));
    }

    /** No new work; what is queued still runs, then the workers exit. */
    public void close() {
        List<Send> sends = new ArrayList<>();
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return;
            }
            state = State.CLOSED;
            listener.poolChanged(name(), "closed");
            if (queue.isEmpty() && running.isEmpty()) {
                for (Slot s : slots) {
                    if (s.worker != null) {
                        sends.add(new Send(s.worker, new Command.Shutdown()));
                    }
                }
            }
            checkStopped();
        } finally {
            lock.unlock();
        }
        send(sends);
    }

    /** Stops at once: queued and running calls fail, workers are killed. */
    public void terminate() {
        var kills = new ArrayList<Worker>();
        lock.lock();
        try {
            if (state == State.TERMINATED) {
                return;
            }
            state = State.TERMINATED;
            listener.poolChanged(name(), "terminated");
            var why = new Job.Failure(Job.FailureKind.POOL_FAILED, "pool '" + name() + "' was terminated", null);
            failQueued(why);
            for (Chunk c : running.values()) {
                c.job.fail(why);
            }
            for (Slot s : slots) {
                if (s.worker != null) {
                    s.killed = KillReason.TERMINATE;
                    kills.add(s.worker);
                }
            }
            checkStopped();
        } finally {
            lock.unlock();
        }
        kills.forEach(Worker::kill);
    }

    /** Waits up to {@code timeout} for every worker to have exited; the pool must be closed or terminated. */
    public boolean join(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                throw new PoolStateException("pool '" + name() + "' is still running; close or terminate it before join");
            }
        } finally {
            lock.unlock();
        }
        try {
            stopped.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    public Status status() {
        lock.lock();
        try {
            var workers = new ArrayList<WorkerStatus>();
            for (Slot s : slots) {
                String st = s.worker == null ? "starting" : !s.ready ? "initializing" : s.retiring ? "retiring"
                        : s.inFlight.isEmpty() ? "idle" : "busy";
                Chunk current = s.inFlight.peekFirst();
                workers.add(new WorkerStatus(s.worker == null ? null : s.worker.pid(), st,
                        current == null ? null : current.describe(), s.tasksDone));
            }
            return new Status(name(), slots.length, state,
                    settings.maxtasksperchild() > 0 ? settings.maxtasksperchild() : null, workers,
                    pendingItems, activeItems, completedItems, failedItems, lastError);
        } finally {
            lock.unlock();
        }
    }
}
