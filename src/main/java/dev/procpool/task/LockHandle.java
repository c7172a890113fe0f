package dev.procpool.task;

import dev.procpool.shared.RobustLock;

/**
 * A task's {@code multiprocessing.Lock} ({@code {"$lock": name}}): any process or thread may
 * release it. When its holder died, the next {@link #acquire} still succeeds and
 * {@link #ownerDied()} says so, for the state it guarded may be half updated.
 */
public class LockHandle {

    private final RobustLock lock;
    private boolean ownerDied;

    LockHandle(RobustLock lock) {
        this.lock = lock;
    }

    /** Waits as long as it takes; returns true. */
    public boolean acquire() {
        return acquire(-1);
    }

    /** Waits up to {@code timeoutSeconds} (negative: no limit, 0: do not wait); true if acquired. */
    public boolean acquire(double timeoutSeconds) {
        RobustLock.Outcome o = lock.acquire(Handles.nanos(timeoutSeconds));
        ownerDied = o == RobustLock.Outcome.OWNER_DIED;
        return o != RobustLock.Outcome.TIMED_OUT;
    }

    /** @throws IllegalStateException when it is not held */
    public void release() {
        lock.release();
    }

    /** Whether the last acquire through this handle took the lock from a holder that had died. */
    public boolean ownerDied() {
        return ownerDied;
    }

    /** The pid holding it, 0 when free. */
    public int ownerPid() {
        return lock.ownerPid();
    }
}
