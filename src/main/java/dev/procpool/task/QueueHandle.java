package dev.procpool.task;

import dev.procpool.ipc.Command;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A task's {@code multiprocessing.Queue} or {@code JoinableQueue} ({@code {"$queue": name}}), held
 * by the manager. {@link #put(Object)} returns once the item is on its way (as Python's feeder
 * thread does; the task's end waits until all its puts are in); {@link #put(Object, double)} waits
 * for room and raises {@link QueueFullException}. An item leaves the queue only when this worker
 * has it.
 */
public final class QueueHandle {

    private final QueueTransport transport;
    private final String name;

    QueueHandle(QueueTransport transport, String name) {
        this.transport = transport;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** {@code put(item)}: any value Jackson writes as JSON. */
    public void put(Object item) {
        transport.post("put", name, 0, json(item));
    }

    /** {@code put(item, timeout=…)}: waits up to {@code timeoutSeconds} (0: put_nowait) for room. */
    public void put(Object item, double timeoutSeconds) {
        Command.QueueReply r = transport.call("put", name, 0, JsonNodeFactory.instance.arrayNode().add(json(item)),
                millis(timeoutSeconds), 1);
        if (!r.ok()) {
            throw "full".equals(r.error()) ? new QueueFullException("queue '" + name + "' is full") : new IllegalStateException(r.error());
        }
    }

    /** {@code get()}: waits as long as it takes. */
    public JsonNode get() {
        return get(-1);
    }

    /** {@code get(timeout=…)} (0: get_nowait). @throws QueueEmptyException when nothing came by then */
    public JsonNode get(double timeoutSeconds) {
        JsonNode item = transport.take(name, millis(timeoutSeconds));
        if (item == null) {
            throw new QueueEmptyException("queue '" + name + "' is empty");
        }
        return item;
    }

    /** The next item as {@code type}, waiting as long as it takes. */
    public <T> T get(Class<T> type) {
        return TaskJson.MAPPER.treeToValue(get(), type);
    }

    /** The exact number of items in the queue now. */
    public long qsize() {
        return transport.call("size", name, 0, null, 0, 0).size();
    }

    public boolean empty() {
        return qsize() == 0;
    }

    /** JoinableQueue's {@code task_done()}. */
    public void taskDone() {
        Command.QueueReply r = transport.call("task_done", name, 0, null, 0, 0);
        if (!r.ok()) {
            throw new IllegalStateException(r.error());
        }
    }

    /** JoinableQueue's {@code join()}: waits until every item put has been marked done. */
    public void join() {
        Command.QueueReply r = transport.call("join", name, 0, null, -1, 0);
        if (!r.ok()) {
            throw new IllegalStateException(r.error());
        }
    }

    static long millis(double seconds) {
        return seconds < 0 || Double.isNaN(seconds) ? -1 : (long) Math.min(seconds * 1000, Long.MAX_VALUE / 4);
    }

    private static JsonNode json(Object item) {
        return TaskJson.toJson(item); // numbers, strings and booleans directly, a null as JSON null, the rest through Jackson
    }
}
