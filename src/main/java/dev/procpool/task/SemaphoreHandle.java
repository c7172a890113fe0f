package dev.procpool.task;

import dev.procpool.shared.RobustLock;
import dev.procpool.shared.SharedSemaphore;

/**
 * A task's {@code multiprocessing.Semaphore} or {@code BoundedSemaphore}
 * ({@code {"$semaphore": name}}). Permits held by a process that dies are given back, and the
 * next acquirer is told through {@link #ownerDied()}.
 */
public final class SemaphoreHandle {

    private final SharedSemaphore semaphore;
    private boolean ownerDied;

    SemaphoreHandle(SharedSemaphore semaphore) {
        this.semaphore = semaphore;
    }

    public boolean acquire() {
        return acquire(-1);
    }

    public boolean acquire(double timeoutSeconds) {
        RobustLock.Outcome o = semaphore.acquire(Handles.nanos(timeoutSeconds));
        ownerDied = o == RobustLock.Outcome.OWNER_DIED;
        return o != RobustLock.Outcome.TIMED_OUT;
    }

    /** @throws IllegalStateException when a bounded semaphore would pass its starting value */
    public void release() {
        semaphore.release();
    }

    /** Python's {@code get_value()}. */
    public int value() {
        return semaphore.value();
    }

    public boolean ownerDied() {
        return ownerDied;
    }
}
