package dev.procpool.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameChannel;
import dev.procpool.ipc.RawJson;
import dev.procpool.task.QueueTransport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A worker's calls on the manager's queues. A call is a {@link Event.QueueRequest} whose
 * {@link Command.QueueReply} the connection's reader hands to {@link #complete}. Puts and sends that
 * need not wait are batched per queue: one request in flight, the items posted meanwhile go in the
 * next (so a producer loop sends a few large frames, not one per item); a poster waits only when
 * {@link #MAX_PENDING} items are pending for one queue.
 */
final class QueueClient implements QueueTransport {

    static final int MAX_PENDING = 10_000;
    /**
     * Items one get fetches at most. A get starts with one; while the task takes a whole fetch
     * quickly (within 1 ms + 20 µs an item), the next fetch is four times larger, and one slow
     * fetch sets it back to one: a tight consumer loop gets batches, a slow task takes one item at
     * a time and leaves the rest to the other consumers.
     */
    static final int PREFETCH = 1024;
    /** The task's progress through a fetch is reported every this many items: a worker that dies may have this many of its last ones delivered again. */
    static final int REPORT_EVERY = 128;

    private final FrameChannel channel;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Command.QueueReply>> pending = new ConcurrentHashMap<>();
    /** Outboxes of puts by queue name: no key is built per item. */
    private final Map<String, Outbox> puts = new HashMap<>();
    private final Map<String, Inbox> inboxes = new HashMap<>();

    /** Items of one queue fetched together and not yet all taken by the task; the task thread alone uses it. */
    private static final class Inbox {
        final java.util.ArrayDeque<JsonNode> items = new java.util.ArrayDeque<>();
        long requestId;
        int taken;
        int batch = 1;
        long fetchedAt;
    }

    /** Items posted to one queue or pipe end and not yet answered. */
    private static final class Outbox {
        final String op;
        final String name;
        final int end;
        List<JsonNode> buffered = new ArrayList<>();
        boolean inFlight;
        String failure;

        Outbox(String op, String name, int end) {
            this.op = op;
            this.name = name;
            this.end = end;
        }
    }

    QueueClient(FrameChannel channel) {
        this.channel = channel;
    }

    @Override
    public Command.QueueReply call(String op, String name, int end, JsonNode items, long timeoutMillis, int max) {
        // no flush of this task's own puts or sends first: the manager reads this connection in order
        long id = ids.incrementAndGet();
        CompletableFuture<Command.QueueReply> f = new CompletableFuture<>();
        pending.put(id, f);
        send(new Event.QueueRequest(id, op, name, end, items == null ? null : RawJson.of(items), timeoutMillis, max));
        Command.QueueReply reply = await(f, id, name);
        if (reply.items() != null && !reply.items().isEmpty() && op.equals("get")) {
            // we have them: they may leave the queue for good; said after our next request, off its critical path
            synchronized (acks) {
                acks.add(new Event.QueueRequest(id, "ack", name, end, null, 0, 0));
            }
        }
        return reply;
    }

    private Command.QueueReply await(CompletableFuture<Command.QueueReply> f, long id, String name) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(id);
            throw new IllegalStateException("interrupted while waiting on " + name);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void post(String op, String name, int end, JsonNode item) {
        Outbox box;
        synchronized (puts) {
            box = puts.computeIfAbsent(name, k -> new Outbox(op, name, 0));
        }
        synchronized (box) {
            throwIfFailed(box);
            while (box.buffered.size() >= MAX_PENDING) {
                waitOn(box);
                throwIfFailed(box);
            }
            box.buffered.add(item);
            if (!box.inFlight) {
                sendBatch(box);
            }
        }
    }

    @Override
    public JsonNode take(String name, long timeoutMillis) {
        Inbox in;
        synchronized (inboxes) {
            in = inboxes.computeIfAbsent(name, k -> new Inbox());
        }
        if (in.items.isEmpty()) {
            boolean quick = in.requestId != 0 && System.nanoTime() - in.fetchedAt < 1_000_000L + 20_000L * in.taken;
            in.batch = quick ? Math.min(in.batch * 4, PREFETCH) : 1;
            settle(name, in);
            long id = ids.incrementAndGet();
            CompletableFuture<Command.QueueReply> f = new CompletableFuture<>();
            pending.put(id, f);
            send(new Event.QueueRequest(id, "get", name, 0, null, timeoutMillis, in.batch));
            Command.QueueReply reply = await(f, id, name);
            if (!reply.ok()) {
                if ("empty".equals(reply.error())) {
                    return null;
                }
                throw new IllegalStateException(reply.error());
            }
            reply.items().forEach(in.items::add);
            in.requestId = id;
            in.taken = 0;
            in.fetchedAt = System.nanoTime();
        }
        in.taken++;
        if (in.taken % REPORT_EVERY == 0 && !in.items.isEmpty()) {
            send(new Event.QueueRequest(in.requestId, "taken", name, 0, null, 0, in.taken));
        }
        return in.items.pollFirst();
    }

    /** Confirms what the task took of the last fetch; the manager puts back what it did not. */
    private void settle(String name, Inbox in) {
        if (in.requestId != 0) {
            send(new Event.QueueRequest(in.requestId, "ack", name, 0, null, 0, in.taken));
            in.requestId = 0;
            in.taken = 0;
            in.items.clear();
        }
    }

    /** Waits until everything posted has been answered, and settles every fetch; raises the first failure. Called before a task reports its end. */
    void flushAll() {
        try {
            sendAcks();
        } catch (IOException e) {
            throw new IllegalStateException("the manager is gone: " + e.getMessage(), e);
        }
        synchronized (inboxes) {
            inboxes.forEach(this::settle);
            inboxes.clear();
        }
        List<Outbox> boxes;
        synchronized (puts) {
            boxes = new ArrayList<>(puts.values());
        }
        for (Outbox box : boxes) {
            flush(box);
        }
    }

    private void flush(Outbox box) {
        synchronized (box) {
            while (box.inFlight || !box.buffered.isEmpty()) {
                if (!box.inFlight) {
                    sendBatch(box);
                }
                waitOn(box);
            }
            throwIfFailed(box);
        }
    }

    /** Sends what is buffered as one request; called holding the box's monitor. */
    private void sendBatch(Outbox box) {
        var items = JsonNodeFactory.instance.arrayNode(box.buffered.size());
        box.buffered.forEach(items::add);
        box.buffered = new ArrayList<>();
        box.inFlight = true;
        long id = ids.incrementAndGet();
        CompletableFuture<Command.QueueReply> f = new CompletableFuture<>();
        pending.put(id, f);
        f.whenComplete((reply, e) -> {
            synchronized (box) {
                box.inFlight = false;
                if (e != null || !reply.ok()) {
                    box.failure = e != null ? e.toString()
                            : "full".equals(reply.error()) ? box.name + " is full" : reply.error();
                } else if (!box.buffered.isEmpty()) {
                    sendBatch(box);
                }
                box.notifyAll();
            }
        });
        send(new Event.QueueRequest(id, box.op, box.name, box.end, RawJson.of(items), -1, 0));
    }

    /** A reply came: hand it to its caller. Called on the connection's reader thread. */
    void complete(Command.QueueReply reply) {
        CompletableFuture<Command.QueueReply> f = pending.remove(reply.requestId());
        if (f != null) {
            f.complete(reply);
        }
    }

    private final List<Event.QueueRequest> acks = new ArrayList<>();

    private void send(Event.QueueRequest request) {
        try {
            channel.send(request);
            sendAcks();
        } catch (IOException e) {
            throw new IllegalStateException("the manager is gone: " + e.getMessage(), e);
        }
    }

    private void sendAcks() throws IOException {
        List<Event.QueueRequest> due;
        synchronized (acks) {
            if (acks.isEmpty()) {
                return;
            }
            due = new ArrayList<>(acks);
            acks.clear();
        }
        for (Event.QueueRequest ack : due) {
            channel.send(ack);
        }
    }

    private static void throwIfFailed(Outbox box) {
        if (box.failure != null) {
            String f = box.failure;
            box.failure = null;
            throw new IllegalStateException("a " + box.op + " to " + box.name + " failed: " + f);
        }
    }

    private static void waitOn(Object box) {
        try {
            box.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
