package dev.procpool.pool;

/** A bound on pending work, pools or kept results is reached; the client may retry after a while. */
public final class PoolBusyException extends RuntimeException {

    private final long limit;

    public PoolBusyException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
