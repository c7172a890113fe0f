package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** {@code multiprocessing.Event} in a segment: a flag (futex word at 64) and a count of waiters (68). */
public final class SharedEvent {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long FLAG = Segment.FIELDS_OFFSET;
    private static final long WAITERS = FLAG + 4;

    private final MemorySegment m;

    public SharedEvent(Segment segment) {
        if (segment.kind() != Segment.Kind.EVENT) {
            throw new IllegalArgumentException("not an event: " + segment.kind());
        }
        this.m = segment.memory();
    }

    public boolean isSet() {
        return (int) INT.getVolatile(m, FLAG) != 0;
    }

    public void set() {
        INT.setVolatile(m, FLAG, 1);
        Futex.wake(m, FLAG, Integer.MAX_VALUE);
    }

    public void clear() {
        INT.setVolatile(m, FLAG, 0);
    }

    /** Waits until the flag is set, up to {@code timeoutNanos} (negative: as long as it takes); returns the flag. */
    public boolean await(long timeoutNanos) {
        if (isSet() || timeoutNanos == 0) {
            return isSet();
        }
        long start = System.nanoTime();
        INT.getAndAdd(m, WAITERS, 1);
        try {
            while (!isSet()) {
                long left = timeoutNanos < 0 ? 100_000_000L : timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                Futex.await(m, FLAG, 0, Math.min(left, 100_000_000L));
            }
            return true;
        } finally {
            INT.getAndAdd(m, WAITERS, -1);
        }
    }

    public int waiters() {
        return Math.max(0, (int) INT.getVolatile(m, WAITERS));
    }
}
