package dev.procpool.task;

import dev.procpool.shared.Segment;
import dev.procpool.shared.TypeCode;

/**
 * A task's {@code multiprocessing.Value} ({@code {"$value": name}}), in shared memory: reads and
 * writes are single atomic accesses; {@link #add} and {@link #compareAndSet} run under the value's
 * lock, which {@link #getLock} returns for longer critical sections, as in Python:
 * {@code lock.acquire(); v.setLong(v.getLong() + 1); lock.release();}.
 */
public final class ValueHandle {

    private final Segment segment;
    private final TypeCode type;
    private final RLockHandle lock;

    ValueHandle(Segment segment, boolean lockable) {
        this.segment = segment;
        this.type = segment.type();
        this.lock = lockable ? new RLockHandle(segment.lock()) : null;
    }

    /** The value: Long, BigInteger (Q/L above Long.MAX_VALUE), Double, Boolean or a one-character String. */
    public Object get() {
        return segment.get(0);
    }

    public void set(Object value) {
        segment.set(0, value);
    }

    /** The value as a long (integer types; f and d are truncated). */
    public long getLong() {
        return type.toLong(segment.getBits(0));
    }

    /** Sets an integer value. @throws IllegalArgumentException when out of the type's range */
    public void setLong(long value) {
        segment.setBits(0, type.fromLong(value));
    }

    public double getDouble() {
        Object v = segment.get(0);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public void setDouble(double value) {
        segment.set(0, value);
    }

    /** Adds {@code delta} atomically (integers wrap at their width); returns the new value. */
    public Object add(Object delta) {
        return segment.add(0, delta);
    }

    public boolean compareAndSet(Object expected, Object update) {
        return segment.compareAndSet(0, expected, update);
    }

    /** Python's {@code typecode}. */
    public String typecode() {
        return String.valueOf(type.code());
    }

    /** The value's reentrant lock. @throws IllegalStateException for a value made with {@code lock: false} */
    public RLockHandle getLock() {
        if (lock == null) {
            throw new IllegalStateException("this value was created with lock=false and has no get_lock()");
        }
        return lock;
    }
}
