package dev.procpool.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Serves the queue and pipe calls tasks make from worker {@code pid}; the reply goes back on that worker's connection. */
public final class WorkerRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Queues queues;

    public WorkerRequests(Queues queues) {
        this.queues = queues;
    }

    /** The reply to send, once the call is answered; null for {@code ack}, which has none. */
    public CompletableFuture<Command.QueueReply> handle(long pid, Event.QueueRequest r) {
        long id = r.requestId();
        long timeout = r.timeoutMillis() < 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(r.timeoutMillis());
        boolean forever = r.timeoutMillis() < 0;
        try {
            return switch (r.op()) {
                case "ack" -> {
                    queues.confirmed(pid, id);
                    yield null;
                }
                case "put" -> queues.put(r.name(), bytes(r.items()), forever ? Long.MAX_VALUE / 4 : timeout, pid)
                        .thenApply(in -> reply(id, in, null, in ? null : "full", 0));
                case "get" -> queues.get(r.name(), Math.max(1, r.max()), forever ? Long.MAX_VALUE / 4 : timeout, pid, id)
                        .thenApply(items -> reply(id, !items.isEmpty(), items, items.isEmpty() ? "empty" : null, 0));
                case "task_done" -> {
                    queues.taskDone(r.name());
                    yield CompletableFuture.completedFuture(reply(id, true, null, null, 0));
                }
                case "join" -> queues.join(r.name(), forever ? Long.MAX_VALUE / 4 : timeout)
                        .thenApply(joined -> reply(id, joined, null, joined ? null : "timeout", 0));
                case "size" -> {
                    var info = queues.info(r.name());
                    yield CompletableFuture.completedFuture(reply(id, true, null, null, info.size()));
                }
                case "send" -> queues.send(r.name(), r.end(), bytes(r.items()), forever ? Long.MAX_VALUE / 4 : timeout, pid)
                        .thenApply(in -> reply(id, in, null, in ? null : "full", 0));
                case "recv" -> queues.recv(r.name(), r.end(), forever ? Long.MAX_VALUE / 4 : timeout, pid, id)
                        .thenApply(items -> reply(id, !items.isEmpty(), items, items.isEmpty() ? "empty" : null, 0));
                case "poll" -> queues.poll(r.name(), r.end(), timeout).thenApply(ready -> reply(id, ready, null, null, 0));
                default -> CompletableFuture.completedFuture(reply(id, false, null, "unknown queue operation '" + r.op() + "'", 0));
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(reply(id, false, null, e.getMessage() == null ? e.toString() : e.getMessage(), 0));
        }
    }

    private static Command.QueueReply reply(long id, boolean ok, List<byte[]> items, String error, long size) {
        ArrayNode nodes = null;
        if (items != null && !items.isEmpty()) {
            nodes = JsonNodeFactory.instance.arrayNode(items.size());
            for (byte[] item : items) {
                nodes.add(JSON.readTree(item));
            }
        }
        return new Command.QueueReply(id, ok, nodes, error, size);
    }

    private static List<byte[]> bytes(JsonNode items) {
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw new IllegalArgumentException("put needs items");
        }
        var out = new ArrayList<byte[]>(items.size());
        for (JsonNode item : items) {
            out.add(JSON.writeValueAsBytes(item));
        }
        return out;
    }
}
