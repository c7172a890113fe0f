package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code multiprocessing.Semaphore} and {@code BoundedSemaphore} in a segment: a futex count, and a
 * table of the processes holding permits, so the permits of a process that dies come back.
 *
 * <pre>
 * 64  int count (futex word)     68  int initial value     72  int waiters     76  int ownerDied
 * 128 64 × {int pid, int permits held}
 * </pre>
 *
 * A permit released by a process that holds none (Python allows it) is not taken from anyone's
 * entry. More than 64 processes holding permits at once are served, but their permits beyond the
 * table are not given back if they die.
 */
public final class SharedSemaphore {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long COUNT = Segment.FIELDS_OFFSET;
    private static final long INITIAL = COUNT + 4;
    private static final long WAITERS = COUNT + 8;
    private static final long DIED = COUNT + 12;

    private final Segment segment;
    private final MemorySegment m;

    public SharedSemaphore(Segment segment) {
        if (segment.kind() != Segment.Kind.SEMAPHORE && segment.kind() != Segment.Kind.BOUNDED_SEMAPHORE) {
            throw new IllegalArgumentException("not a semaphore: " + segment.kind());
        }
        this.segment = segment;
        this.m = segment.memory();
    }

    /** Sets the starting value of a new semaphore. */
    public void init(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore value must be >= 0, got " + value);
        }
        INT.setVolatile(m, INITIAL, value);
        INT.setVolatile(m, COUNT, value);
    }

    public boolean bounded() {
        return segment.kind() == Segment.Kind.BOUNDED_SEMAPHORE;
    }

    /** Takes a permit, waiting up to {@code timeoutNanos} (negative: as long as it takes). */
    public RobustLock.Outcome acquire(long timeoutNanos) {
        long start = System.nanoTime();
        boolean counted = false;
        try {
            while (true) {
                int c = (int) INT.getVolatile(m, COUNT);
                if (c > 0) {
                    if (INT.compareAndSet(m, COUNT, c, c - 1)) {
                        record(RobustLock.PID, 1);
                        return (int) INT.getAndSet(m, DIED, 0) != 0 ? RobustLock.Outcome.OWNER_DIED : RobustLock.Outcome.ACQUIRED;
                    }
                    continue;
                }
                long left = timeoutNanos < 0 ? 100_000_000L : timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return RobustLock.Outcome.TIMED_OUT;
                }
                if (!counted) {
                    INT.getAndAdd(m, WAITERS, 1);
                    counted = true;
                    continue; // a release may have come before we were counted
                }
                Futex.await(m, COUNT, 0, Math.min(left, 100_000_000L));
            }
        } finally {
            if (counted) {
                INT.getAndAdd(m, WAITERS, -1);
            }
        }
    }

    /**
     * Gives a permit back.
     *
     * @throws IllegalStateException for a bounded semaphore already at its starting value
     */
    public void release() {
        while (true) {
            int c = (int) INT.getVolatile(m, COUNT);
            if (bounded() && c >= (int) INT.getVolatile(m, INITIAL)) {
                throw new IllegalStateException("semaphore released too many times");
            }
            if (INT.compareAndSet(m, COUNT, c, c + 1)) {
                break;
            }
        }
        record(RobustLock.PID, -1);
        if ((int) INT.getVolatile(m, WAITERS) > 0) {
            Futex.wake(m, COUNT, 1);
        }
    }

    /** Permits free now (Python's {@code get_value()}). */
    public int value() {
        return (int) INT.getVolatile(m, COUNT);
    }

    public int initial() {
        return (int) INT.getVolatile(m, INITIAL);
    }

    public int waiters() {
        return Math.max(0, (int) INT.getVolatile(m, WAITERS));
    }

    /** Processes holding permits and how many each, from the table. */
    public java.util.Map<Integer, Integer> holders() {
        var out = new java.util.TreeMap<Integer, Integer>();
        for (int i = 0; i < Segment.SEMAPHORE_HOLDERS; i++) {
            int pid = (int) INT.getVolatile(m, slot(i));
            int n = (int) INT.getVolatile(m, slot(i) + 4);
            if (pid != 0 && n > 0) {
                out.merge(pid, n, Integer::sum);
            }
        }
        return out;
    }

    /** Gives back the permits {@code pid} held, marking the semaphore; returns how many. */
    int releaseHeldBy(int pid) {
        int back = 0;
        for (int i = 0; i < Segment.SEMAPHORE_HOLDERS; i++) {
            if ((int) INT.getVolatile(m, slot(i)) == pid && INT.compareAndSet(m, slot(i), pid, -1)) {
                back += (int) INT.getAndSet(m, slot(i) + 4, 0);
                INT.setVolatile(m, slot(i), 0);
            }
        }
        if (back > 0) {
            INT.setVolatile(m, DIED, 1);
            int c;
            do {
                c = (int) INT.getVolatile(m, COUNT);
            } while (!INT.compareAndSet(m, COUNT, c, bounded() ? Math.min(c + back, initial()) : c + back));
            Futex.wake(m, COUNT, Integer.MAX_VALUE);
        }
        return back;
    }

    private void record(int pid, int delta) {
        for (int i = 0; i < Segment.SEMAPHORE_HOLDERS; i++) {
            if ((int) INT.getVolatile(m, slot(i)) == pid) {
                int n = (int) INT.getVolatile(m, slot(i) + 4);
                if (delta < 0 && n <= 0) {
                    continue;
                }
                INT.setVolatile(m, slot(i) + 4, n + delta);
                if (n + delta == 0) {
                    INT.compareAndSet(m, slot(i), pid, 0); // the entry is free for another process
                }
                return;
            }
        }
        if (delta > 0) {
            for (int i = 0; i < Segment.SEMAPHORE_HOLDERS; i++) {
                if (INT.compareAndSet(m, slot(i), 0, pid)) {
                    INT.setVolatile(m, slot(i) + 4, delta);
                    return;
                }
            }
        }
    }

    private static long slot(int i) {
        return Segment.DATA_OFFSET + i * 8L;
    }
}
