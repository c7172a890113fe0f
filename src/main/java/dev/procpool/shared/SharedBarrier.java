package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code multiprocessing.Barrier} in a segment, guarded by the segment's lock.
 *
 * <pre>
 * 64 int generation (futex word)   68 int parties   72 int arrived   76 int broken   80 int generation failed by reset
 * </pre>
 *
 * A party that times out breaks the barrier, as in Python; so does {@link #abort}. {@link #reset}
 * fails the parties waiting and makes it usable again.
 */
public final class SharedBarrier {

    /** Python's {@code threading.BrokenBarrierError}. */
    public static final class BrokenException extends RuntimeException {
        BrokenException() {
            super("the barrier is broken");
        }
    }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long GENERATION = Segment.FIELDS_OFFSET;
    private static final long PARTIES = GENERATION + 4;
    private static final long ARRIVED = GENERATION + 8;
    private static final long BROKEN = GENERATION + 12;
    private static final long FAILED = GENERATION + 16;

    private final Segment segment;
    private final MemorySegment m;

    public SharedBarrier(Segment segment) {
        if (segment.kind() != Segment.Kind.BARRIER) {
            throw new IllegalArgumentException("not a barrier: " + segment.kind());
        }
        this.segment = segment;
        this.m = segment.memory();
    }

    public void init(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, got " + parties);
        }
        INT.setVolatile(m, PARTIES, parties);
        INT.setVolatile(m, FAILED, -1);
    }

    /**
     * Waits until all parties have called it, up to {@code timeoutNanos} (negative: as long as it
     * takes); returns this party's arrival index, 0 .. parties-1.
     *
     * @throws BrokenException when the barrier is or becomes broken, or this wait timed out
     */
    public int await(long timeoutNanos) {
        RobustLock lock = segment.lock();
        lock.acquire(-1);
        int gen;
        int index;
        try {
            if (broken()) {
                throw new BrokenException();
            }
            gen = (int) INT.getVolatile(m, GENERATION);
            index = (int) INT.getVolatile(m, ARRIVED);
            if (index + 1 >= parties()) {
                INT.setVolatile(m, ARRIVED, 0);
                INT.setVolatile(m, GENERATION, gen + 1);
                Futex.wake(m, GENERATION, Integer.MAX_VALUE);
                return index;
            }
            INT.setVolatile(m, ARRIVED, index + 1);
        } finally {
            lock.release();
        }
        long start = System.nanoTime();
        while (true) {
            if ((int) INT.getVolatile(m, GENERATION) != gen) {
                if ((int) INT.getVolatile(m, FAILED) == gen) {
                    throw new BrokenException();
                }
                return index;
            }
            if (broken()) {
                throw new BrokenException();
            }
            long left = timeoutNanos < 0 ? 100_000_000L : timeoutNanos - (System.nanoTime() - start);
            if (left <= 0) {
                abort();
                if ((int) INT.getVolatile(m, GENERATION) != gen && (int) INT.getVolatile(m, FAILED) != gen) {
                    return index; // the last party came just in time
                }
                throw new BrokenException();
            }
            Futex.await(m, GENERATION, gen, Math.min(left, 100_000_000L));
        }
    }

    /** Breaks the barrier: parties waiting now and later get {@link BrokenException} until {@link #reset}. */
    public void abort() {
        RobustLock lock = segment.lock();
        lock.acquire(-1);
        try {
            INT.setVolatile(m, BROKEN, 1);
        } finally {
            lock.release();
        }
        Futex.wake(m, GENERATION, Integer.MAX_VALUE);
    }

    /** Back to the empty, unbroken state; parties waiting now get {@link BrokenException}. */
    public void reset() {
        RobustLock lock = segment.lock();
        lock.acquire(-1);
        try {
            int gen = (int) INT.getVolatile(m, GENERATION);
            if ((int) INT.getVolatile(m, ARRIVED) > 0) {
                INT.setVolatile(m, FAILED, gen);
            }
            INT.setVolatile(m, ARRIVED, 0);
            INT.setVolatile(m, BROKEN, 0);
            INT.setVolatile(m, GENERATION, gen + 1);
        } finally {
            lock.release();
        }
        Futex.wake(m, GENERATION, Integer.MAX_VALUE);
    }

    public int parties() {
        return (int) INT.getVolatile(m, PARTIES);
    }

    /** Parties waiting now (Python's {@code n_waiting}). */
    public int waiting() {
        return (int) INT.getVolatile(m, ARRIVED);
    }

    public boolean broken() {
        return (int) INT.getVolatile(m, BROKEN) != 0;
    }
}
