package dev.procpool.process;

/**
 * What happens to processes, for metrics and live events. Called on the manager's threads after
 * it released the process's lock; an implementation must be quick and must not block. An
 * exception from a listener is logged and ignored.
 */
public interface ProcessListener {

    /**
     * The process's task began running in its worker, {@code startupNanos} after the start was
     * asked for (taking a worker, sending the task, the worker loading it).
     */
    default void processStarted(ProcessSnapshot process, long startupNanos) {
    }

    /** The process's worker exited. */
    default void processExited(ProcessSnapshot process) {
    }
}
