package dev.procpool.worker;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.task.BuiltinTasks;
import dev.procpool.task.TaskJson;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;

/**
 * Runs the paths of a first task once, before the worker says Hello: decoding a command,
 * binding arguments, invoking a task, encoding its result. A fresh JVM spends some 30 ms
 * loading and linking those classes; a warm spare pays it before any client waits on it.
 */
final class Warmup {

    private Warmup() {
    }

    static void run(FrameCodec codec) {
        try {
            byte[] frame = codec.encode(new Command.RunTask(0, BuiltinTasks.class.getName(), "echo",
                    TaskJson.MAPPER.readTree("[{\"k\": [1, \"s\", 2.5, true, null]}]"), null, false));
            Command.RunTask run = (Command.RunTask) codec.decodeCommand(frame);
            TaskMethod method = TaskMethod.find(BuiltinTasks.class, run.target());
            Object value = method.invoke(method.bind(run.args(), run.kwargs(), null));
            JsonNode result = TaskJson.MAPPER.valueToTree(value);
            codec.decodeEvent(codec.encode(new Event.TaskDone(0, result)));
        } catch (Throwable t) {
            // only a warm-up: the real task reports its own errors
        }
    }
}
