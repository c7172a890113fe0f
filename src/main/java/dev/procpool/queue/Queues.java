package dev.procpool.queue;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The manager's queues (pipes are shared-memory objects: {@code SharedPipe}). The manager owns every item, so sizes are exact; waiting gets,
 * puts and joins are futures (no thread each); an item given to a worker stays recorded until the
 * worker confirms it has it, and goes back to the head of its queue if the worker dies first.
 */
public final class Queues implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * Bounds.
     *
     * @param maxQueues    queues that may exist at once
     * @param maxSize      items one queue may hold; a queue's maxsize 0 means this
     * @param maxItemBytes one item's JSON size
     * @param maxBytes     all items of all queues together
     * @param maxWaiters   waiting gets and puts on one queue
     */
    public record Limits(int maxQueues, int maxSize, int maxItemBytes, long maxBytes, int maxWaiters) {
    }

    /** What {@code GET /api/queues/{name}} shows. */
    public record QueueInfo(String name, int size, int maxsize, boolean joinable, long unfinished, int waitingGets, Instant createdAt) {
    }

    private record NamedQueue(Channel channel, Instant createdAt) {
    }

    private final Limits limits;
    private final ScheduledExecutorService timer;
    private final Map<String, NamedQueue> queues = new ConcurrentHashMap<>();
    private final Map<Long, Map<Long, Channel.Delivery>> delivered = new HashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    public Queues(Limits limits) {
        this.limits = limits;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-queue-timer").factory());
    }

    public Limits limits() {
        return limits;
    }

    // ---- queues -----------------------------------------------------------------------------

    public synchronized QueueInfo create(String name, int maxsize, boolean joinable) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit; got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        if (maxsize < 0 || maxsize > limits.maxSize()) {
            throw new IllegalArgumentException("maxsize must be 0 (no limit but procpool.queues.max-size, " + limits.maxSize()
                    + ") .. " + limits.maxSize() + ", got " + maxsize);
        }
        if (queues.containsKey(name)) {
            throw new QueueException.Exists("a queue named '" + name + "' already exists");
        }
        if (queues.size() >= limits.maxQueues()) {
            throw new QueueException.LimitReached("at most " + limits.maxQueues() + " queues may exist (procpool.queues.max-queues)");
        }
        var q = new NamedQueue(new Channel(this, "queue '" + name + "'", maxsize == 0 ? limits.maxSize() : maxsize, joinable), Instant.now());
        queues.put(name, q);
        return info(name, q, maxsize);
    }

    public QueueInfo info(String name) {
        NamedQueue q = queue(name);
        return info(name, q, q.channel().maxsize == limits.maxSize() ? 0 : q.channel().maxsize);
    }

    private QueueInfo info(String name, NamedQueue q, int maxsize) {
        Channel c = q.channel();
        return new QueueInfo(name, c.size(), maxsize, c.joinable, c.unfinished(), c.waitingGetters(), q.createdAt());
    }

    public List<QueueInfo> list() {
        return queues.keySet().stream().sorted().map(this::info).toList();
    }

    public synchronized void delete(String name) {
        NamedQueue q = queue(name);
        queues.remove(name);
        q.channel().close();
    }

    /** Puts items (each one JSON text); see {@link Channel#put}. */
    public CompletableFuture<Boolean> put(String name, List<byte[]> items, long timeoutNanos, long pid) {
        checkItems(items);
        return queue(name).channel().put(items, timeoutNanos, pid);
    }

    public CompletableFuture<List<byte[]>> get(String name, int max, long timeoutNanos, long pid, long requestId) {
        return queue(name).channel().get(Math.max(1, max), timeoutNanos, pid, requestId);
    }

    public List<byte[]> drain(String name, int max) {
        return queue(name).channel().drain(max);
    }

    public void taskDone(String name) {
        Channel c = queue(name).channel();
        if (!c.joinable) {
            throw new QueueException.State("queue '" + name + "' is not joinable");
        }
        c.taskDone();
    }

    public CompletableFuture<Boolean> join(String name, long timeoutNanos) {
        Channel c = queue(name).channel();
        if (!c.joinable) {
            throw new QueueException.State("queue '" + name + "' is not joinable");
        }
        return c.join(timeoutNanos);
    }

    private NamedQueue queue(String name) {
        NamedQueue q = name == null ? null : queues.get(name);
        if (q == null) {
            throw new QueueException.NotFound("no queue named '" + name + "'");
        }
        return q;
    }

    public boolean queueExists(String name) {
        return name != null && queues.containsKey(name);
    }

    // ---- workers ----------------------------------------------------------------------------

    /** A worker confirmed it has the items of its request {@code requestId}. */
    public void confirmed(long pid, long requestId) {
        confirmed(pid, requestId, Integer.MAX_VALUE);
    }

    /**
     * A worker's task took the first {@code count} items of its request {@code requestId}; the
     * rest (prefetched, not taken when the task ended) go back to the head of their queue.
     */
    public void confirmed(long pid, long requestId, int count) {
        Channel.Delivery d;
        synchronized (this) {
            Map<Long, Channel.Delivery> m = delivered.get(pid);
            d = m == null ? null : m.remove(requestId);
            if (m != null && m.isEmpty()) {
                delivered.remove(pid);
            }
        }
        if (d != null) {
            d.taken = Math.max(d.taken, Math.max(0, count));
            if (!d.rest().isEmpty()) {
                d.channel.requeue(d.rest());
            }
        }
    }

    /** A worker's task has taken {@code count} items of request {@code requestId} so far: those are its for good. */
    public synchronized void taken(long pid, long requestId, int count) {
        Map<Long, Channel.Delivery> m = delivered.get(pid);
        Channel.Delivery d = m == null ? null : m.get(requestId);
        if (d != null) {
            d.taken = Math.max(d.taken, count);
        }
    }

    synchronized void delivered(long pid, long requestId, Channel.Delivery d) {
        delivered.computeIfAbsent(pid, k -> new HashMap<>()).put(requestId, d);
    }

    /** A worker exited: its waits end, and what it was given but had not confirmed goes back to the head of its queue. */
    public void workerExited(long pid) {
        Map<Long, Channel.Delivery> back;
        synchronized (this) {
            back = delivered.remove(pid);
        }
        if (back != null) {
            back.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.reverseOrder()))
                    .forEach(e -> e.getValue().channel.requeue(e.getValue().rest()));
        }
        for (NamedQueue q : queues.values()) {
            q.channel().forget(pid);
        }
    }

    // ---- bounds -----------------------------------------------------------------------------

    private void checkItems(List<byte[]> items) {
        for (byte[] item : items) {
            if (item.length > limits.maxItemBytes()) {
                throw new QueueException.ItemTooLarge("an item of " + item.length + " bytes of JSON is over procpool.queues.max-item-size ("
                        + limits.maxItemBytes() + ")");
            }
        }
    }

    boolean hasRoomFor(int itemBytes) {
        return bytes.get() + itemBytes <= limits.maxBytes();
    }

    void addBytes(long delta) {
        bytes.addAndGet(delta);
    }

    /** Bytes all queued items take. */
    public long bytes() {
        return bytes.get();
    }

    void checkWaiters(int waiting) {
        if (waiting >= limits.maxWaiters()) {
            throw new QueueException.LimitReached(waiting + " calls already wait on this queue; at most " + limits.maxWaiters()
                    + " may (procpool.queues.max-waiters)");
        }
    }

    void timeout(long nanos, Runnable expire) {
        if (nanos > 0 && nanos < Long.MAX_VALUE / 8) { // longer: as long as it takes, no timer
            timer.schedule(expire, nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        queues.values().forEach(q -> q.channel().close());
    }
}
