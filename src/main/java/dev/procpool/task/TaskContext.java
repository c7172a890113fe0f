package dev.procpool.task;

import java.io.PrintStream;

/** What a running task may ask of the worker it runs in. Declare it as a parameter to receive it. */
public interface TaskContext {

    /** The task's standard output; what it prints is captured as the process's output. */
    PrintStream out();

    /** The task's standard error, captured with standard output. */
    PrintStream err();

    /** Reports progress, e.g. {@code progress(40, 100)}; cheap enough to call often. */
    void progress(long done, long total);

    /** The operating-system pid of the worker JVM. */
    long pid();

    /**
     * Ends the worker JVM at once with this exit code, like Python's {@code os._exit}: no
     * shutdown hooks, no result. Output printed before the call is kept.
     */
    void exit(int code);
}
