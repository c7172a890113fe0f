package dev.procpool.shared;

/** Why a shared object could not be made or found. */
public abstract sealed class SharedObjectException extends RuntimeException {

    SharedObjectException(String message) {
        super(message);
    }

    /** No object of that kind and name. */
    public static final class NotFound extends SharedObjectException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The name is taken for that kind. */
    public static final class Exists extends SharedObjectException {
        Exists(String message) {
            super(message);
        }
    }

    /** Past the configured count or byte cap, or the file system's room. */
    public static final class LimitReached extends SharedObjectException {
        LimitReached(String message) {
            super(message);
        }
    }

    /** An operation that needs the object's lock could not get it in time. */
    public static final class Locked extends SharedObjectException {
        Locked(String message) {
            super(message);
        }
    }

    /** The wrong end of a one-way pipe. */
    public static final class WrongEnd extends SharedObjectException {
        WrongEnd(String message) {
            super(message);
        }
    }

    /** A message larger than a pipe's ring takes. */
    public static final class TooLarge extends SharedObjectException {
        TooLarge(String message) {
            super(message);
        }
    }
}
