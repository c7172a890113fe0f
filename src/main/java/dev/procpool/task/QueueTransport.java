package dev.procpool.task;

import dev.procpool.ipc.Command;
import tools.jackson.databind.JsonNode;

/** How a task's {@link QueueHandle} reaches the manager; the worker provides it. */
public interface QueueTransport {

    /** A call the manager answers; waits for the answer ({@code timeoutMillis} -1: as long as it takes). */
    Command.QueueReply call(String op, String name, int end, JsonNode items, long timeoutMillis, int max);

    /**
     * A put that need not wait: sent at once when nothing is in flight for that queue,
     * else batched with the next; it waits only when many are pending. A failure is raised by the
     * next call on that queue, or when the task ends.
     */
    void post(String op, String name, int end, JsonNode item);

    /**
     * The next item of a queue, waiting up to {@code timeoutMillis} (-1: as long as it takes), or
     * null when none came. The worker may fetch a few at once and hand them out one by one; those
     * its task has not taken when it ends go back to the queue.
     */
    JsonNode take(String name, long timeoutMillis);
}
