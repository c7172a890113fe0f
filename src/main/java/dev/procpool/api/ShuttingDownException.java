package dev.procpool.api;

/** The service is stopping and takes no new long-lived requests. */
final class ShuttingDownException extends RuntimeException {

    ShuttingDownException(String message) {
        super(message);
    }
}
