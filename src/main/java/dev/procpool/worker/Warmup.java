package dev.procpool.worker;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.shared.Segment;
import dev.procpool.shared.SharedObjects;
import dev.procpool.shared.TypeCode;
import dev.procpool.task.BuiltinTasks;
import dev.procpool.task.Handles;
import dev.procpool.task.SharedTasks;
import dev.procpool.task.ValueHandle;
import dev.procpool.task.TaskJson;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Runs, once, the paths a first task takes before the worker says Hello: decoding a
 * {@code RunTask} and a {@code RunChunk}, binding arguments both ways, invoking a task, and
 * encoding its results as the worker really does. A fresh JVM spends some 30 ms loading and
 * linking those classes; a warm spare pays it before any client waits on it, and the AOT
 * training run, which runs this too, records them.
 */
final class Warmup {

    private Warmup() {
    }

    static void run(FrameCodec codec) {
        try {
            exercise(codec);
        } catch (Throwable t) {
            // only a warm-up: the real task reports its own errors
        }
    }

    /** The warm-up itself; it throws if one of the paths it walks is broken. */
    static void exercise(FrameCodec codec) throws Throwable {
        TaskMethod echo = TaskMethod.find(BuiltinTasks.class, "echo");
        byte[] task = codec.encode(new Command.RunTask(0, BuiltinTasks.class.getName(), "echo",
                TaskJson.MAPPER.readTree("[{\"k\": [1, \"s\", 2.5, true, null]}]"), null, false));
        Command.RunTask run = (Command.RunTask) codec.decodeCommand(task);
        JsonNode result = TaskJson.toJson(echo.invoke(echo.bind(run.args(), run.kwargs(), null)));
        codec.decodeEvent(codec.encode(new Event.TaskDone(0, result)));

        TaskMethod square = TaskMethod.find(BuiltinTasks.class, "square");
        byte[] items = "1,2,3".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] chunk = codec.encodeRunChunk(0, BuiltinTasks.class.getName(), "square", Command.Spread.ONE, items, 0, items.length);
        Command.RunChunk runChunk = (Command.RunChunk) codec.decodeCommand(chunk);
        ArrayNode results = TaskJson.MAPPER.createArrayNode();
        for (JsonNode item : runChunk.items()) {
            results.add(TaskJson.toJson(square.invoke(square.bindItem(item, false, null))));
        }
        codec.decodeEvent(codec.encodeChunkDone(0, results));
        sharedMemory();
    }

    /** Iterations of a locked increment: enough for the JIT to compile the lock and value paths a shared-memory task takes. */
    static final int SHARED_ROUNDS = 30_000;

    /**
     * A locked increment loop on a throw-away Value: a fresh worker otherwise runs its first
     * million increments at ~100 ns each while the JIT catches up, against ~20 ns warm.
     */
    static void sharedMemory() throws java.io.IOException {
        // named as a manager's directory is, so one left by a worker killed right here is removed at the next start
        java.nio.file.Path dir = java.nio.file.Files.createDirectory(SharedObjects.defaultBase().resolve(
                "procpool-" + ProcessHandle.current().pid() + "-" + String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt())));
        java.nio.file.Path file = dir.resolve("value.seg");
        try (Segment segment = Segment.create(file, Segment.Kind.VALUE, TypeCode.INT, 1, true)) {
            ValueHandle value = (ValueHandle) Handles.of(ValueHandle.class, segment, true);
            SharedTasks.increment(value, SHARED_ROUNDS);
            if (value.getLong() != SHARED_ROUNDS) {
                throw new IllegalStateException("shared-memory warm-up counted " + value.getLong());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
