package dev.procpool.pool;

/** The operation does not fit the pool's state, e.g. mapping on a closed pool or joining a running one. */
public final class PoolStateException extends RuntimeException {

    public PoolStateException(String message) {
        super(message);
    }
}
