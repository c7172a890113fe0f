package dev.procpool.worker;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import dev.procpool.ipc.RemoteError;

/** Formats a task's exception as the {@code error} a client sees, without the worker's own frames. */
final class Traces {

    /** Traces longer than this are cut, so one frame stays well under the frame limit. */
    static final int MAX_TRACE_CHARS = 64 * 1024;
    private static final int MAX_CAUSES = 8;

    private Traces() {
    }

    static RemoteError remoteError(Throwable t, Method task) {
        StringBuilder sb = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = t;
        for (int depth = 0; current != null && seen.add(current) && depth < MAX_CAUSES; depth++) {
            if (depth > 0) {
                sb.append("Caused by: ");
            }
            sb.append(current).append('\n');
            StackTraceElement[] frames = current.getStackTrace();
            int last = lastTaskFrame(frames, task);
            for (int i = 0; i <= last; i++) {
                sb.append("\tat ").append(frames[i]).append('\n');
            }
            current = current.getCause();
        }
        String trace = sb.length() > MAX_TRACE_CHARS ? sb.substring(0, MAX_TRACE_CHARS) + "\n\t... (trace cut)\n" : sb.toString();
        return new RemoteError(t.getClass().getName(), t.getMessage(), trace);
    }

    /** The index of the task method's own frame, so reflection and worker frames below it are left out. */
    private static int lastTaskFrame(StackTraceElement[] frames, Method task) {
        if (task != null) {
            for (int i = frames.length - 1; i >= 0; i--) {
                if (frames[i].getClassName().equals(task.getDeclaringClass().getName())
                        && frames[i].getMethodName().equals(task.getName())) {
                    return i;
                }
            }
        }
        return frames.length - 1;
    }
}
