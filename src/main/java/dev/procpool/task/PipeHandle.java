package dev.procpool.task;

import dev.procpool.ipc.Command;
import tools.jackson.databind.JsonNode;

/**
 * One end of a task's {@code multiprocessing.Pipe} ({@code {"$pipe": id, "end": 0}}): what one
 * end sends, the other receives, in order. A one-way pipe's end 0 only receives and end 1 only
 * sends.
 */
public final class PipeHandle {

    private final QueueTransport transport;
    private final String id;
    private final int end;

    PipeHandle(QueueTransport transport, String id, int end) {
        this.transport = transport;
        this.id = id;
        this.end = end;
    }

    /** {@code conn.send(obj)}: returns once it is on its way. */
    public void send(Object item) {
        transport.post("send", id, end, json(item));
    }

    /** {@code conn.recv()}: waits as long as it takes. */
    public JsonNode recv() {
        return recv(-1);
    }

    /** Waits up to {@code timeoutSeconds}. @throws QueueEmptyException when nothing came */
    public JsonNode recv(double timeoutSeconds) {
        Command.QueueReply r = transport.call("recv", id, end, null, QueueHandle.millis(timeoutSeconds), 1);
        if (!r.ok()) {
            throw "empty".equals(r.error()) ? new QueueEmptyException("nothing came on pipe " + id + " end " + end)
                    : new IllegalStateException(r.error());
        }
        return r.items().get(0);
    }

    /** {@code conn.poll(timeout)}: whether something is there to receive, waiting up to that long. */
    public boolean poll(double timeoutSeconds) {
        return transport.call("poll", id, end, null, Math.max(0, QueueHandle.millis(timeoutSeconds)), 0).ok();
    }

    public int end() {
        return end;
    }

    private static JsonNode json(Object item) {
        return TaskJson.toJson(item); // numbers, strings and booleans directly, a null as JSON null, the rest through Jackson
    }
}
