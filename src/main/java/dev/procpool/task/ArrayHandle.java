package dev.procpool.task;

import java.util.ArrayList;
import java.util.List;

import dev.procpool.shared.Segment;
import dev.procpool.shared.TypeCode;

/**
 * A task's {@code multiprocessing.Array} ({@code {"$array": name}}), in shared memory. Element
 * reads and writes are single atomic accesses; {@link #getLock} guards longer updates.
 */
public final class ArrayHandle {

    private final Segment segment;
    private final TypeCode type;
    private final RLockHandle lock;

    ArrayHandle(Segment segment, boolean lockable) {
        this.segment = segment;
        this.type = segment.type();
        this.lock = lockable ? new RLockHandle(segment.lock()) : null;
    }

    /** Python's {@code len(arr)}. */
    public int length() {
        return (int) segment.length();
    }

    public Object get(int index) {
        return segment.get(index);
    }

    public void set(int index, Object value) {
        segment.set(index, value);
    }

    public long getLong(int index) {
        return type.toLong(segment.getBits(index));
    }

    public void setLong(int index, long value) {
        segment.setBits(index, type.fromLong(value));
    }

    public double getDouble(int index) {
        Object v = segment.get(index);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public void setDouble(int index, double value) {
        segment.set(index, value);
    }

    /** Adds {@code delta} to one element atomically; returns its new value. */
    public Object add(int index, Object delta) {
        return segment.add(index, delta);
    }

    /** Python's {@code arr[start:stop]} for 0 <= start <= stop <= length. */
    public List<Object> slice(int start, int stop) {
        if (start < 0 || stop > length() || start > stop) {
            throw new IndexOutOfBoundsException("slice " + start + ":" + stop + " of an array of " + length());
        }
        var out = new ArrayList<>(stop - start);
        for (int i = start; i < stop; i++) {
            out.add(segment.get(i));
        }
        return out;
    }

    /** Python's {@code arr[start:start+len(values)] = values}. */
    public void setSlice(int start, List<?> values) {
        if (start < 0 || start + values.size() > length()) {
            throw new IndexOutOfBoundsException(values.size() + " values from " + start + " do not fit an array of " + length());
        }
        long[] bits = new long[values.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = type.toBits(values.get(i)); // all checked before any is written
        }
        for (int i = 0; i < bits.length; i++) {
            segment.setBits(start + i, bits[i]);
        }
    }

    public String typecode() {
        return String.valueOf(type.code());
    }

    /** @throws IllegalStateException for an array made with {@code lock: false} */
    public RLockHandle getLock() {
        if (lock == null) {
            throw new IllegalStateException("this array was created with lock=false and has no get_lock()");
        }
        return lock;
    }
}
