package dev.procpool.ipc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.databind.JsonNode;

/**
 * Messages a worker sends to the manager. The first frame on every connection is
 * {@link Hello}; anything else, or a wrong secret, closes the connection.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Event.Hello.class, name = "Hello"),
        @JsonSubTypes.Type(value = Event.Pong.class, name = "Pong"),
        @JsonSubTypes.Type(value = Event.TaskStarted.class, name = "TaskStarted"),
        @JsonSubTypes.Type(value = Event.TaskProgress.class, name = "TaskProgress"),
        @JsonSubTypes.Type(value = Event.TaskDone.class, name = "TaskDone"),
        @JsonSubTypes.Type(value = Event.TaskFailed.class, name = "TaskFailed"),
        @JsonSubTypes.Type(value = Event.ChunkDone.class, name = "ChunkDone"),
        @JsonSubTypes.Type(value = Event.ChunkFailed.class, name = "ChunkFailed"),
        @JsonSubTypes.Type(value = Event.Exiting.class, name = "Exiting"),
        @JsonSubTypes.Type(value = Event.QueueRequest.class, name = "QueueRequest")
})
public sealed interface Event {

    /** Handshake: who the worker is, the secret it was given, and its operating-system pid. */
    record Hello(String workerId, String secret, long pid) implements Event {
        @Override
        public String toString() {
            return "Hello[workerId=" + workerId + ", pid=" + pid + "]";
        }
    }

    record Pong(long seq) implements Event {
    }

    record TaskStarted(long taskId) implements Event {
    }

    /** Progress reported by the task through its {@code TaskContext}. */
    record TaskProgress(long taskId, long done, long total) implements Event {
    }

    /** The task returned; {@code result} is its return value as JSON. */
    record TaskDone(long taskId, JsonNode result) implements Event {
    }

    /** The task raised. */
    record TaskFailed(long taskId, RemoteError error) implements Event {
    }

    /** Every element of a chunk returned; {@code results} is a JSON array in the chunk's order. */
    record ChunkDone(long chunkId, RawJson results) implements Event {
    }

    /**
     * Element {@code index} of a chunk raised; {@code results} holds the results of the elements
     * before it, and the elements after it were not run.
     */
    record ChunkFailed(long chunkId, int index, JsonNode results, RemoteError error) implements Event {
    }

    /** The worker is about to end its JVM on purpose with this exit code. */
    record Exiting(int code) implements Event {
    }

    /**
     * A task's call on a queue the manager holds. {@code op}: {@code put} (items, in order;
     * timeout -1: as long as it takes), {@code get} (up to {@code max} items, waiting up to the
     * timeout for the first), {@code taken} (the task has taken {@code max} of get
     * {@code requestId}'s items), {@code ack} (the same, final: the rest go back), {@code task_done},
     * {@code join}, {@code size}. Answered by {@link Command.QueueReply} with the same request id,
     * except {@code taken} and {@code ack}. {@code end} is 0.
     */
    record QueueRequest(long requestId, String op, String name, int end, RawJson items, long timeoutMillis, int max) implements Event {
    }
}
