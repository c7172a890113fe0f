package dev.procpool.shared;

/** What every kind of segment does when a process dies. */
final class SyncObjects {

    private SyncObjects() {
    }

    /** Releases the lock or permits {@code pid} holds in {@code segment}; returns how many. */
    static int releaseHeldBy(Segment segment, int pid) {
        return switch (segment.kind()) {
            case SEMAPHORE, BOUNDED_SEMAPHORE -> new SharedSemaphore(segment).releaseHeldBy(pid);
            case EVENT, MEMORY -> 0;
            case PIPE -> new SharedPipe(segment).releaseHeldBy(pid);
            case VALUE, ARRAY, LOCK, RLOCK, CONDITION, BARRIER -> segment.lock().releaseIfOwnedBy(pid) ? 1 : 0;
        };
    }
}
