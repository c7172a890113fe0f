package dev.procpool.task;

/**
 * Resolves an argument that refers to a shared object, such as {@code {"$value": "num"}}, for a
 * parameter of a handle type ({@link ValueHandle}, {@link LockHandle}, ...). In the manager it
 * checks the object exists and notes where workers find it; in a worker it maps the object and
 * gives the live handle.
 */
public interface References {

    /** Resolves nothing: every reference is to an object that does not exist. */
    References NONE = (type, kind, name) -> null;

    /**
     * The handle of type {@code type} for the object named {@code name} of {@code kind}
     * ({@code "$value"}, {@code "$lock"}, ...), or null when there is no such object. In the
     * manager the returned object only has to be non-null.
     */
    Object resolve(Class<?> type, String kind, String name);
}
