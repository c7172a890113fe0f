package dev.procpool.shared;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One shared object's file, mapped with the FFM API: a 128-byte header, then its data.
 *
 * <pre>
 * offset  size  field
 *   0      4    magic 0x5050534D ("PPSM"), then 4 bytes version (1)
 *   8      1    kind ({@link Kind} ordinal)
 *   9      1    typecode (ASCII; 0 when none)
 *  10      1    lockable: 1 when a Value or Array has a lock tasks may take
 *  16      8    length: elements of a Value (1) or Array, bytes of a SharedMemory block
 *  32     32    the object's lock ({@link RobustLock}: futex word, ownerDied, owner thread, count, waiters)
 *  64     64    fields of synchronisation objects (counts, flags, generations)
 * 128     ...   data: elements (native byte order) or raw bytes; a semaphore's holder table
 * </pre>
 *
 * Every process maps the same file; reads and writes of elements are volatile or atomic
 * {@link VarHandle} accesses on the mapping, so any process sees them at once.
 */
public final class Segment implements AutoCloseable {

    /** What a segment holds. */
    public enum Kind {
        VALUE, ARRAY, MEMORY, LOCK, RLOCK, SEMAPHORE, BOUNDED_SEMAPHORE, EVENT, CONDITION, BARRIER, PIPE
    }

    static final int MAGIC = 0x5050534D;
    static final long LOCK_OFFSET = 32;
    static final long FIELDS_OFFSET = 64;
    public static final long DATA_OFFSET = 128;
    /** Processes whose semaphore permits are tracked, so a dead one's permits come back. */
    static final int SEMAPHORE_HOLDERS = 64;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private final Path file;
    private final Arena arena;
    private final MemorySegment memory;
    private final Kind kind;
    private final TypeCode type;
    private final long length;
    private final RobustLock lock;

    private Segment(Path file, Arena arena, MemorySegment memory) {
        this.file = file;
        this.arena = arena;
        this.memory = memory;
        if (memory.byteSize() < DATA_OFFSET || memory.get(ValueLayout.JAVA_INT, 0) != MAGIC) {
            arena.close();
            throw new IllegalStateException(file + " is not a procpool shared-memory segment");
        }
        this.kind = Kind.values()[memory.get(ValueLayout.JAVA_BYTE, 8)];
        byte code = memory.get(ValueLayout.JAVA_BYTE, 9);
        this.type = code == 0 ? null : TypeCode.of(String.valueOf((char) code));
        this.length = memory.get(ValueLayout.JAVA_LONG, 16);
        this.lock = new RobustLock(memory, LOCK_OFFSET, kind != Kind.LOCK);
    }

    /** The bytes a segment of this shape takes in its file. */
    public static long fileSize(Kind kind, TypeCode type, long length) {
        long data = switch (kind) {
            case VALUE, ARRAY -> length * type.size();
            case MEMORY -> length;
            case SEMAPHORE, BOUNDED_SEMAPHORE -> SEMAPHORE_HOLDERS * 8L;
            case PIPE -> 2 * (SharedPipe.RING_HEADER + length);
            default -> 0;
        };
        return DATA_OFFSET + data;
    }

    /** Creates the file (mode 0600, must not exist), writes the header and maps it. */
    public static Segment create(Path file, Kind kind, TypeCode type, long length, boolean lockable) throws IOException {
        long size = fileSize(kind, type, length);
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.truncate(size);
            Arena arena = Arena.ofShared();
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            m.set(ValueLayout.JAVA_INT, 4, 1);
            m.set(ValueLayout.JAVA_BYTE, 8, (byte) kind.ordinal());
            m.set(ValueLayout.JAVA_BYTE, 9, type == null ? 0 : (byte) type.code());
            m.set(ValueLayout.JAVA_BYTE, 10, (byte) (lockable ? 1 : 0));
            m.set(ValueLayout.JAVA_LONG, 16, length);
            INT.setVolatile(m, 0L, MAGIC);
            return new Segment(file, arena, m);
        }
    }

    /** Maps an existing segment file. */
    public static Segment open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Arena arena = Arena.ofShared();
            return new Segment(file, arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena));
        }
    }

    public Path file() {
        return file;
    }

    public Kind kind() {
        return kind;
    }

    /** The element type of a Value or Array; null for other kinds. */
    public TypeCode type() {
        return type;
    }

    /** Elements of a Value (1) or Array, bytes of a SharedMemory block. */
    public long length() {
        return length;
    }

    /** Whether a Value or Array was made with a lock clients may take ({@code lock: true}). */
    public boolean lockable() {
        return memory.get(ValueLayout.JAVA_BYTE, 10) != 0;
    }

    /** The object's own lock: a Value's or Array's {@code get_lock()}, or the Lock/RLock itself. */
    public RobustLock lock() {
        return lock;
    }

    MemorySegment memory() {
        return memory;
    }

    /** The raw bits of element {@code index}, read atomically (a volatile read). */
    public long getBits(long index) {
        long at = elementOffset(index);
        return switch (type.size()) {
            case 1 -> (byte) BYTE.getVolatile(memory, at) & 0xffL;
            case 2 -> (short) SHORT.getVolatile(memory, at) & 0xffffL;
            case 4 -> (int) INT.getVolatile(memory, at) & 0xffffffffL;
            default -> (long) LONG.getVolatile(memory, at);
        };
    }

    /**
     * Writes the raw bits of element {@code index}: one atomic release write of the low
     * {@code size} bytes (ordered after everything before it, as a lock release is; without the
     * full fence of a volatile write, which cost more than the rest of a locked increment).
     */
    public void setBits(long index, long bits) {
        long at = elementOffset(index);
        switch (type.size()) {
            case 1 -> BYTE.setRelease(memory, at, (byte) bits);
            case 2 -> SHORT.setRelease(memory, at, (short) bits);
            case 4 -> INT.setRelease(memory, at, (int) bits);
            default -> LONG.setRelease(memory, at, bits);
        }
    }

    /** Element {@code index} as Long, BigInteger, Double, Boolean or String. */
    public Object get(long index) {
        return type.fromBits(getBits(index));
    }

    /** Sets element {@code index}; the value must fit the type. */
    public void set(long index, Object value) {
        setBits(index, type.toBits(value));
    }

    /** Adds {@code delta} to element {@code index} under the object's lock (integers wrap at their width); returns the new value. */
    public Object add(long index, Object delta) {
        return add(index, delta, -1);
    }

    /**
     * As {@link #add(long, Object)}, waiting at most {@code timeoutNanos} for the lock.
     *
     * @throws SharedObjectException.Locked when the lock stayed held that long
     */
    public Object add(long index, Object delta, long timeoutNanos) {
        long bits = getBits(index); // checks the index before the lock is taken
        if (lock.acquire(timeoutNanos) == RobustLock.Outcome.TIMED_OUT) {
            throw new SharedObjectException.Locked("the lock of this object has been held by pid " + lock.ownerPid() + " for longer than "
                    + timeoutNanos / 1_000_000 + " ms");
        }
        try {
            bits = type.addBits(getBits(index), delta);
            setBits(index, bits);
            return type.fromBits(bits);
        } finally {
            lock.release();
        }
    }

    /** Sets element {@code index} to {@code update} if it holds {@code expected}, under the object's lock. */
    public boolean compareAndSet(long index, Object expected, Object update) {
        long want = type.toBits(expected);
        long next = type.toBits(update);
        lock.acquire(-1);
        try {
            if (getBits(index) != want) {
                return false;
            }
            setBits(index, next);
            return true;
        } finally {
            lock.release();
        }
    }

    /** Bytes {@code offset .. offset+count-1} of a SharedMemory block. */
    public byte[] readBytes(long offset, int count) {
        checkBytes(offset, count);
        return memory.asSlice(DATA_OFFSET + offset, count).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Writes {@code bytes} at {@code offset} of a SharedMemory block. */
    public void writeBytes(long offset, byte[] bytes) {
        checkBytes(offset, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, memory, DATA_OFFSET + offset, bytes.length);
    }

    private void checkBytes(long offset, long count) {
        if (offset < 0 || count < 0 || offset + count > dataBytes()) {
            throw new IndexOutOfBoundsException("bytes " + offset + ".." + (offset + count) + " are outside 0.." + dataBytes());
        }
    }

    private long dataBytes() {
        return memory.byteSize() - DATA_OFFSET;
    }

    private long elementOffset(long index) {
        if (type == null) {
            throw new IllegalStateException("a " + kind + " segment has no elements");
        }
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " is outside 0.." + (length - 1));
        }
        return DATA_OFFSET + index * type.size();
    }

    /** Unmaps the segment in this process (the file stays until it is deleted). */
    @Override
    public void close() {
        arena.close();
    }

    /** Unmaps and removes the file. */
    public void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
