package dev.procpool.task;

import dev.procpool.shared.RobustLock;

/**
 * A task's {@code multiprocessing.RLock} ({@code {"$rlock": name}}, and the lock of a Value or
 * Array): the holding thread may acquire it again; only the holder may release it.
 */
public final class RLockHandle extends LockHandle {

    RLockHandle(RobustLock lock) {
        super(lock);
    }
}
