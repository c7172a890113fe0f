package dev.procpool.process;

/** A configured cap on processes is reached; the client may retry later. */
public final class ProcessLimitException extends RuntimeException {

    private final int limit;

    public ProcessLimitException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
