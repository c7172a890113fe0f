package dev.procpool.api;

/** As many event streams are open as {@code procpool.events.max-clients} allows. */
final class TooManyStreamsException extends RuntimeException {

    private final int limit;

    TooManyStreamsException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    int limit() {
        return limit;
    }
}
