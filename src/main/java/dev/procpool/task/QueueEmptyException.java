package dev.procpool.task;

/** Python's {@code queue.Empty}: nothing arrived by the timeout. */
public final class QueueEmptyException extends RuntimeException {
    public QueueEmptyException(String message) {
        super(message);
    }
}
