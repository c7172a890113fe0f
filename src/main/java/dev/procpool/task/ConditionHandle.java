package dev.procpool.task;

import dev.procpool.shared.SharedCondition;

/**
 * A task's {@code multiprocessing.Condition} ({@code {"$condition": name}}) with its own
 * reentrant lock. Python's {@code wait}, {@code notify} and {@code notify_all} are
 * {@link #await}, {@link #notifyWaiters} and {@link #notifyAllWaiters} here ({@code Object}
 * already has methods of those names).
 */
public final class ConditionHandle {

    private final SharedCondition condition;
    private final RLockHandle lock;

    ConditionHandle(SharedCondition condition) {
        this.condition = condition;
        this.lock = new RLockHandle(condition.lock());
    }

    public boolean acquire() {
        return lock.acquire();
    }

    public boolean acquire(double timeoutSeconds) {
        return lock.acquire(timeoutSeconds);
    }

    public void release() {
        lock.release();
    }

    /** Releases the lock, waits for a notify (negative: no limit), re-acquires; false on timeout. */
    public boolean await(double timeoutSeconds) {
        return condition.await(Handles.nanos(timeoutSeconds));
    }

    public void notifyWaiters(int n) {
        condition.notify(n);
    }

    public void notifyAllWaiters() {
        condition.notifyEveryone();
    }
}
