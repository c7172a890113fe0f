package dev.procpool.pool;

/** No pool has that name. */
public final class PoolNotFoundException extends RuntimeException {

    public PoolNotFoundException(String name) {
        super("no pool named '" + name + "'");
    }
}
