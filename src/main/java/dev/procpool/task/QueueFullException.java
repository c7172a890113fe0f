package dev.procpool.task;

/** Python's {@code queue.Full}: no room in the queue or pipe by the timeout. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
