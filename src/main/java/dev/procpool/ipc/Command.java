package dev.procpool.ipc;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.databind.JsonNode;

/**
 * Messages the manager sends to a worker. Wire form: see {@link FrameCodec}; the
 * JSON object carries its kind in the member {@code "t"}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Command.RunTask.class, name = "RunTask"),
        @JsonSubTypes.Type(value = Command.RunChunk.class, name = "RunChunk"),
        @JsonSubTypes.Type(value = Command.Ping.class, name = "Ping"),
        @JsonSubTypes.Type(value = Command.Shutdown.class, name = "Shutdown"),
        @JsonSubTypes.Type(value = Command.QueueReply.class, name = "QueueReply")
})
public sealed interface Command {

    /**
     * Run the task method named {@code target} in {@code className}. {@code refs} maps each
     * shared-object reference the arguments make ({@code "$value:num"}) to the segment file the
     * worker maps for it. {@code args} is a JSON
     * array and {@code kwargs} a JSON object, forwarded
     * as the client sent them. With {@code exitWhenDone} the worker ends its JVM afterwards
     * with exit code 0 (returned) or 1 (raised), as a {@code multiprocessing.Process} does.
     */
    record RunTask(long taskId, String className, String target, JsonNode args, JsonNode kwargs,
                   boolean exitWhenDone, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> refs) implements Command {
        public RunTask {
            args = args == null || args.isNull() ? null : args;
            kwargs = kwargs == null || kwargs.isNull() ? null : kwargs;
            refs = refs == null ? Map.of() : Map.copyOf(refs);
        }

        /** A call without shared-object references. */
        public RunTask(long taskId, String className, String target, JsonNode args, JsonNode kwargs, boolean exitWhenDone) {
            this(taskId, className, target, args, kwargs, exitWhenDone, Map.of());
        }
    }

    /** How each element of a chunk becomes the task's arguments. */
    enum Spread {
        /** The element is the one argument, as {@code Pool.map}. */
        ONE,
        /** The element is the list of arguments, as {@code Pool.starmap}. */
        ARGS,
        /** The element is {@code {"args": [...], "kwargs": {...}}}, as {@code Pool.apply}. */
        CALL
    }

    /**
     * Run the task {@code target} of {@code className} once per element of the JSON array
     * {@code items}, in order, each spread over the parameters as {@code spread} says. Answered by
     * {@link Event.ChunkDone} with the results in order, or {@link Event.ChunkFailed} at the first
     * element that raised.
     */
    record RunChunk(long chunkId, String className, String target, Spread spread,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> refs, JsonNode items) implements Command {
        public RunChunk {
            refs = refs == null ? Map.of() : Map.copyOf(refs);
        }

        /** A chunk without shared-object references. */
        public RunChunk(long chunkId, String className, String target, Spread spread, JsonNode items) {
            this(chunkId, className, target, spread, Map.of(), items);
        }
    }

    /** Heartbeat; the worker answers {@link Event.Pong} with the same sequence number. */
    record Ping(long seq) implements Command {
    }

    /** Ask the worker to exit with code 0 as soon as it can. */
    record Shutdown() implements Command {
    }

    /**
     * The answer to a worker's {@link Event.QueueRequest}: {@code ok} false with {@code error} a
     * reason ({@code "full"}, {@code "empty"}, {@code "timeout"}, or a message); {@code items} what a
     * get or recv took; {@code size} the queue's size (for {@code size}) or unfinished count.
     */
    record QueueReply(long requestId, boolean ok, JsonNode items, String error, long size) implements Command {
        public QueueReply {
            items = items == null || items.isNull() ? null : items;
        }
    }
}
