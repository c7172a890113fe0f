package dev.procpool.process;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker's captured stdout+stderr: a ring of at most {@code capacity} bytes. When it is full
 * the oldest bytes are dropped and counted, so memory stays bounded however much a task prints.
 * The ring starts small and grows as output comes, so a quiet process costs little.
 * Positions are absolute byte offsets since the worker started; byte {@code i} is held at
 * {@code ring[i % ring.length]}.
 */
public final class OutputBuffer {

    /** Bytes from {@code start} (absolute) up to {@link #end()}; {@code dropped} bytes before {@code start} are gone. */
    public record Chunk(byte[] bytes, long start, long dropped, boolean closed) {
        public long end() {
            return start + bytes.length;
        }
    }

    private static final int INITIAL_BYTES = 1024;

    private final int capacity;
    private byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long total;
    private boolean closed;

    public OutputBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL_BYTES)];
    }

    /** Grows the ring (keeping every byte at its offset's new index) so it can hold {@code needed} bytes, up to the capacity. */
    private void ensureRoom(long needed) {
        if (needed <= ring.length || ring.length == capacity) {
            return;
        }
        int size = (int) Math.min(capacity, Math.max(needed, 2L * ring.length));
        byte[] grown = new byte[size];
        long oldest = Math.max(0, total - ring.length);
        for (long i = oldest; i < total; i++) {
            grown[(int) (i % size)] = ring[(int) (i % ring.length)];
        }
        ring = grown;
    }

    public void append(byte[] bytes, int offset, int length) {
        lock.lock();
        try {
            ensureRoom(Math.min((long) capacity, Math.min(total, capacity) + (long) length));
            int skip = Math.max(0, length - ring.length);
            total += skip;
            for (int i = offset + skip; i < offset + length; ) {
                int at = (int) (total % ring.length);
                int n = Math.min(offset + length - i, ring.length - at);
                System.arraycopy(bytes, i, ring, at, n);
                total += n;
                i += n;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more output will come (the worker's stream ended). */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Everything still held. */
    public Chunk snapshot() {
        lock.lock();
        try {
            return chunkFrom(0);
        } finally {
            lock.unlock();
        }
    }

    /** Total bytes written so far, kept or dropped. */
    public long total() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes dropped so far to stay within the capacity. */
    public long dropped() {
        lock.lock();
        try {
            return Math.max(0, total - capacity);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What was written at or after {@code offset}, waiting up to {@code wait} for something new
     * when there is nothing yet and the buffer is open. An empty chunk means the wait ran out
     * (or the buffer is closed: see {@link Chunk#closed()}).
     */
    public Chunk readFrom(long offset, Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (total <= offset && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return chunkFrom(offset);
        } finally {
            lock.unlock();
        }
    }

    private Chunk chunkFrom(long offset) {
        long oldest = Math.max(0, total - ring.length);
        long start = Math.max(offset, oldest);
        int n = (int) Math.max(0, total - start);
        byte[] out = new byte[n];
        for (int copied = 0; copied < n; ) {
            int at = (int) ((start + copied) % ring.length);
            int k = Math.min(n - copied, ring.length - at);
            System.arraycopy(ring, at, out, copied, k);
            copied += k;
        }
        return new Chunk(out, start, oldest, closed);
    }

}
