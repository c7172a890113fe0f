package dev.procpool.queue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.ipc.RawJson;

/**
 * Serves the queue calls tasks make from worker {@code pid}. Items travel as JSON text:
 * cut out of the request frame, stored as they are, and copied into the reply frame.
 */
public final class WorkerRequests {

    private final Queues queues;
    private final FrameCodec codec = new FrameCodec();

    public WorkerRequests(Queues queues) {
        this.queues = queues;
    }

    /**
     * The reply frame's payload, once the call is answered — also when it fails (the queue was
     * deleted while the call waited): a worker's call always gets an answer. Null for {@code ack}
     * and {@code taken}, which have none.
     */
    public CompletableFuture<byte[]> handle(long pid, Event.QueueRequest r) {
        CompletableFuture<byte[]> reply = answer(pid, r);
        return reply == null ? null : reply.exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            return reply(r.requestId(), false, null, cause.getMessage() == null ? cause.toString() : cause.getMessage(), 0);
        });
    }

    private CompletableFuture<byte[]> answer(long pid, Event.QueueRequest r) {
        long id = r.requestId();
        long timeout = r.timeoutMillis() < 0 ? Long.MAX_VALUE / 4 : TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis());
        try {
            return switch (r.op()) {
                case "taken" -> {
                    queues.taken(pid, id, r.max());
                    yield null;
                }
                case "ack" -> {
                    queues.confirmed(pid, id, r.max() <= 0 ? Integer.MAX_VALUE : r.max());
                    yield null;
                }
                case "put" -> queues.put(r.name(), items(r.items()), timeout, pid).thenApply(in -> reply(id, in, null, in ? null : "full", 0));
                case "get" -> queues.get(r.name(), Math.max(1, r.max()), timeout, pid, id)
                        .thenApply(items -> reply(id, !items.isEmpty(), items, items.isEmpty() ? "empty" : null, 0));
                case "task_done" -> {
                    queues.taskDone(r.name());
                    yield CompletableFuture.completedFuture(reply(id, true, null, null, 0));
                }
                case "join" -> queues.join(r.name(), timeout).thenApply(joined -> reply(id, joined, null, joined ? null : "timeout", 0));
                case "size" -> CompletableFuture.completedFuture(reply(id, true, null, null, queues.info(r.name()).size()));
                default -> CompletableFuture.completedFuture(reply(id, false, null, "unknown queue operation '" + r.op() + "'", 0));
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(reply(id, false, null, e.getMessage() == null ? e.toString() : e.getMessage(), 0));
        }
    }

    private byte[] reply(long id, boolean ok, List<byte[]> items, String error, long size) {
        return codec.encodeQueueReply(id, ok, items, error, size);
    }

    private static List<byte[]> items(RawJson items) {
        List<byte[]> out = items == null ? List.of() : items.elements();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("put and send need items");
        }
        return out;
    }
}
