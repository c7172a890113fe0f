package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code multiprocessing.Condition} in a segment: its own reentrant {@link RobustLock} (Python's
 * default), a notification sequence (futex word at 64) and a count of waiters (68). {@code wait}
 * releases the lock completely, sleeps until a notify moves the sequence on, and takes the lock
 * back as deeply as it was held. A notify may wake more waiters than asked when several sleep at
 * the same moment, which Python's contract (spurious wake-ups) allows.
 */
public final class SharedCondition {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long SEQUENCE = Segment.FIELDS_OFFSET;
    private static final long WAITERS = SEQUENCE + 4;

    private final Segment segment;
    private final MemorySegment m;

    public SharedCondition(Segment segment) {
        if (segment.kind() != Segment.Kind.CONDITION) {
            throw new IllegalArgumentException("not a condition: " + segment.kind());
        }
        this.segment = segment;
        this.m = segment.memory();
    }

    public RobustLock lock() {
        return segment.lock();
    }

    /**
     * Releases the lock, waits for a notify up to {@code timeoutNanos} (negative: as long as it
     * takes), takes the lock back; true if notified, false on timeout.
     *
     * @throws IllegalStateException when the caller does not hold the lock
     */
    public boolean await(long timeoutNanos) {
        RobustLock lock = segment.lock();
        if (lock.ownerPid() != RobustLock.PID) {
            throw new IllegalStateException("cannot wait on an un-acquired condition");
        }
        int depth = lock.holdCount();
        int seq = (int) INT.getVolatile(m, SEQUENCE);
        INT.getAndAdd(m, WAITERS, 1);
        for (int i = 0; i < depth; i++) {
            lock.release();
        }
        boolean notified;
        try {
            long start = System.nanoTime();
            while (true) {
                if ((int) INT.getVolatile(m, SEQUENCE) != seq) {
                    notified = true;
                    break;
                }
                long left = timeoutNanos < 0 ? 100_000_000L : timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    notified = false;
                    break;
                }
                Futex.await(m, SEQUENCE, seq, Math.min(left, 100_000_000L));
            }
        } finally {
            INT.getAndAdd(m, WAITERS, -1);
            for (int i = 0; i < depth; i++) {
                lock.acquire(-1);
            }
        }
        return notified;
    }

    /** Wakes up to {@code n} waiters; the caller must hold the lock. */
    public void notify(int n) {
        if (segment.lock().ownerPid() != RobustLock.PID) {
            throw new IllegalStateException("cannot notify on an un-acquired lock");
        }
        INT.getAndAdd(m, SEQUENCE, 1);
        Futex.wake(m, SEQUENCE, n);
    }

    public void notifyEveryone() {
        notify(Integer.MAX_VALUE);
    }

    public int waiters() {
        return Math.max(0, (int) INT.getVolatile(m, WAITERS));
    }
}
