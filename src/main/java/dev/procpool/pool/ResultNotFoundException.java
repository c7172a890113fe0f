package dev.procpool.pool;

/** No async result has that id: it never existed, expired, or was deleted. */
public final class ResultNotFoundException extends RuntimeException {

    public ResultNotFoundException(String id) {
        super("no result with id '" + id + "' (results are kept for a limited time)");
    }
}
