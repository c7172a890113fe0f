package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A lock in shared memory that every process mapping its segment can take, and that no dead
 * process can keep: Python's {@code multiprocessing.Lock} and {@code RLock} without their worst
 * trap (a holder that dies leaves the lock taken forever).
 *
 * <pre>
 * offset  size  field (from the lock's region)
 *   0      4    word: 0 when free, else the owner's pid, with bit 30 set while someone sleeps on it
 *   4      4    ownerDied: 1 when the lock was taken from a dead owner and nobody has acquired since
 *   8      8    owner thread id (reentrant locks)
 *  16      4    hold count (reentrant locks)
 *  20      4    processes' threads waiting
 * </pre>
 *
 * The uncontended path is one compare-and-set on the word, in the caller's process. A contended
 * acquire spins briefly, then sleeps on the word with a futex and is woken by the release. When a
 * worker dies, the manager releases every lock that pid holds ({@link #releaseIfOwnedBy}) and marks
 * it; a sleeper also checks every 100 ms whether the owner is still alive, should the manager not
 * have done it yet. The next acquirer is told {@link Outcome#OWNER_DIED}.
 */
public final class RobustLock {

    /** How an acquire ended. */
    public enum Outcome {
        ACQUIRED,
        /** Acquired; the previous owner died holding it, so what it guarded may be half updated. */
        OWNER_DIED,
        TIMED_OUT
    }

    static final int WAITERS = 0x4000_0000;
    static final int PID = (int) ProcessHandle.current().pid();
    private static final int SPINS = 14;
    private static final long CHECK_OWNER_NANOS = 100_000_000L;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment memory;
    private final long word;
    private final boolean reentrant;

    RobustLock(MemorySegment memory, long offset, boolean reentrant) {
        this.memory = memory;
        this.word = offset;
        this.reentrant = reentrant;
    }

    /**
     * Acquires the lock, waiting up to {@code timeoutNanos} (negative: as long as it takes).
     * A reentrant lock held by the calling thread is taken once more.
     */
    public Outcome acquire(long timeoutNanos) {
        if (INT.compareAndSet(memory, word, 0, PID)) {
            return acquired();
        }
        if (reentrant && ownedByCaller()) {
            INT.set(memory, word + 16, (int) INT.get(memory, word + 16) + 1);
            return Outcome.ACQUIRED;
        }
        if (timeoutNanos == 0) {
            return Outcome.TIMED_OUT;
        }
        if (spin(PID)) {
            return acquired();
        }
        long start = System.nanoTime();
        long lastCheck = start;
        INT.getAndAdd(memory, word + 20, 1);
        try {
            while (true) {
                int v = (int) INT.getVolatile(memory, word);
                if (v == 0) {
                    // others may sleep on the word too: keep the flag so the release wakes them
                    if (INT.compareAndSet(memory, word, 0, PID | WAITERS)) {
                        return acquired();
                    }
                    continue;
                }
                if ((v & WAITERS) == 0) {
                    if (spin(PID | WAITERS)) { // woken, or the holder is quick: try a while before sleeping (again)
                        return acquired();
                    }
                    v = (int) INT.getVolatile(memory, word);
                    if (v == 0 || (v & WAITERS) == 0 && !INT.compareAndSet(memory, word, v, v | WAITERS)) {
                        continue;
                    }
                    v |= WAITERS;
                }
                long now = System.nanoTime();
                long left = timeoutNanos < 0 ? CHECK_OWNER_NANOS : timeoutNanos - (now - start);
                if (left <= 0) {
                    return Outcome.TIMED_OUT;
                }
                if (now - lastCheck >= CHECK_OWNER_NANOS) {
                    lastCheck = now;
                    int owner = v & ~WAITERS;
                    if (owner != PID && !alive(owner)) {
                        releaseIfOwnedBy(owner);
                        continue;
                    }
                }
                Futex.await(memory, word, v | WAITERS, Math.min(left, CHECK_OWNER_NANOS));
            }
        } finally {
            INT.getAndAdd(memory, word + 20, -1);
        }
    }

    /*
     * The owner's thread and hold count are written with plain stores: only the owning thread reads
     * them to decide (the word's compare-and-set and the release's getAndSet order them), so the
     * uncontended acquire and release cost one atomic instruction each.
     */
    /**
     * Spins up to ~0.1 ms for the lock, looking at the word less and less often (up to every 1,024 pauses),
     * so a holder that re-acquires at once keeps the word's cache line instead of losing it to
     * every look; true if it took the lock, as {@code taken}.
     */
    private boolean spin(int taken) {
        for (int i = 0, pauses = 1; i < SPINS; i++, pauses = Math.min(pauses * 2, 1024)) {
            for (int p = 0; p < pauses; p++) {
                Thread.onSpinWait();
            }
            if ((int) INT.getVolatile(memory, word) == 0 && INT.compareAndSet(memory, word, 0, taken)) {
                return true;
            }
        }
        return false;
    }

    private Outcome acquired() {
        LONG.set(memory, word + 8, Thread.currentThread().threadId());
        INT.set(memory, word + 16, 1);
        if ((int) INT.getVolatile(memory, word + 4) == 0) {
            return Outcome.ACQUIRED;
        }
        return (int) INT.getAndSet(memory, word + 4, 0) != 0 ? Outcome.OWNER_DIED : Outcome.ACQUIRED;
    }

    private boolean ownedByCaller() {
        return ((int) INT.getVolatile(memory, word) & ~WAITERS) == PID
                && (long) LONG.get(memory, word + 8) == Thread.currentThread().threadId();
    }

    /**
     * Releases the lock. A reentrant lock must be held by the calling thread and is freed when its
     * count reaches 0; a plain lock may be released by any process or thread, as in Python.
     *
     * @throws IllegalStateException when the lock is not held (by the caller, for a reentrant lock)
     */
    public void release() {
        int v = (int) INT.getVolatile(memory, word);
        if (v == 0) {
            throw new IllegalStateException("release of a lock that is not held");
        }
        if (reentrant) {
            if (!ownedByCaller()) {
                throw new IllegalStateException("release of a reentrant lock held by another thread or process (owner pid "
                        + (v & ~WAITERS) + ")");
            }
            int count = (int) INT.get(memory, word + 16);
            if (count > 1) {
                INT.set(memory, word + 16, count - 1);
                return;
            }
        }
        INT.set(memory, word + 16, 0);
        LONG.set(memory, word + 8, 0L);
        if (((int) INT.getAndSet(memory, word, 0) & WAITERS) != 0) {
            Futex.wake(memory, word, 1);
        }
    }

    /** Frees the lock if process {@code pid} holds it, marking it so the next owner is told; true if it did. */
    public boolean releaseIfOwnedBy(int pid) {
        while (true) {
            int v = (int) INT.getVolatile(memory, word);
            if (v == 0 || (v & ~WAITERS) != pid) {
                return false;
            }
            INT.setVolatile(memory, word + 4, 1);
            LONG.setVolatile(memory, word + 8, 0L);
            INT.setVolatile(memory, word + 16, 0);
            if (INT.compareAndSet(memory, word, v, 0)) { // fails only when a sleeper just set the flag
                Futex.wake(memory, word, Integer.MAX_VALUE);
                return true;
            }
        }
    }

    /** The pid holding the lock, or 0 when it is free. */
    public int ownerPid() {
        return (int) INT.getVolatile(memory, word) & ~WAITERS;
    }

    /** How many times the owner holds a reentrant lock (0 when free). */
    public int holdCount() {
        return ownerPid() == 0 ? 0 : Math.max(1, (int) INT.getVolatile(memory, word + 16));
    }

    /** Threads of any process sleeping or spinning for the lock right now. */
    public int waiters() {
        return Math.max(0, (int) INT.getVolatile(memory, word + 20));
    }

    /** Whether the last holder died with it and nobody has acquired it since. */
    public boolean ownerDied() {
        return (int) INT.getVolatile(memory, word + 4) != 0;
    }

    static boolean alive(int pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
