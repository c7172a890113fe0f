package dev.procpool.queue;

/** Why a queue or pipe operation could not be done. */
public abstract sealed class QueueException extends RuntimeException {

    QueueException(String message) {
        super(message);
    }

    /** No queue or pipe by that name, or it was deleted while waiting. */
    public static final class NotFound extends QueueException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The name is taken. */
    public static final class Exists extends QueueException {
        Exists(String message) {
            super(message);
        }
    }

    /** A cap is reached: queues, waiters, or an item's size. */
    public static final class LimitReached extends QueueException {
        LimitReached(String message) {
            super(message);
        }
    }

    /** One item's JSON is over the configured size. */
    public static final class ItemTooLarge extends QueueException {
        ItemTooLarge(String message) {
            super(message);
        }
    }

    /** The operation does not fit the object: task_done too often, a queue that is not joinable, the wrong end of a one-way pipe. */
    public static final class State extends QueueException {
        State(String message) {
            super(message);
        }
    }
}
