package dev.procpool.process;

/** A worker JVM could not be started or did not connect back; the message names the cause. */
public final class WorkerLaunchException extends RuntimeException {

    public WorkerLaunchException(String message) {
        super(message);
    }

    public WorkerLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
