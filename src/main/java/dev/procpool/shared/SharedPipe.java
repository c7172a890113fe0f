package dev.procpool.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code multiprocessing.Pipe} in a segment: for each end, a ring of length-prefixed messages it
 * receives. Every process that maps the segment sends and receives in shared memory directly,
 * with no process in between: a receiver that finds its ring empty looks again for a while
 * (~50 µs), then sleeps on the ring's futex until a sender commits a message.
 *
 * <pre>
 * 64  int duplex (1) or one-way (0: end 0 only receives, end 1 only sends)
 * 128 ring for end 0, then ring for end 1, each:
 *     +0  sender lock (32)   +32 receiver lock (32)   +64 long head (read)   +72 long tail (committed)
 *     +80 int data sequence (futex)   +84 int space sequence (futex)   +88 int messages
 *     +92 int receivers asleep   +96 int senders asleep
 *     +128 capacity bytes of data
 * </pre>
 *
 * A message is taken from the ring only by the receiver that copies it out; a sender or receiver
 * that dies holding its lock has it released by the manager, and a message half written is not
 * committed, so nothing is seen twice or lost.
 */
public final class SharedPipe {

    static final long RING_HEADER = 128;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long SPIN_NANOS = 50_000;

    private final Segment segment;
    private final MemorySegment m;
    private final long capacity;

    public SharedPipe(Segment segment) {
        if (segment.kind() != Segment.Kind.PIPE) {
            throw new IllegalArgumentException("not a pipe: " + segment.kind());
        }
        this.segment = segment;
        this.m = segment.memory();
        this.capacity = segment.length();
    }

    public void init(boolean duplex) {
        INT.setVolatile(m, Segment.FIELDS_OFFSET, duplex ? 1 : 0);
    }

    public boolean duplex() {
        return (int) INT.getVolatile(m, Segment.FIELDS_OFFSET) != 0;
    }

    /** The largest message, in bytes. */
    public long maxMessage() {
        return capacity - 4;
    }

    private long ring(int end) {
        return Segment.DATA_OFFSET + end * (RING_HEADER + capacity);
    }

    private RobustLock lock(int end, boolean sender) {
        return new RobustLock(m, ring(end) + (sender ? 0 : 32), false);
    }

    /**
     * {@code conn.send(message)} on end {@code end}: the message goes to the other end's ring,
     * waiting up to {@code timeoutNanos} (negative: as long as it takes) for room; false if there
     * was none by then.
     */
    public boolean send(int end, byte[] message, long timeoutNanos) {
        checkEnd(end);
        if (!duplex() && end == 0) {
            throw new SharedObjectException.WrongEnd("end 0 of a one-way pipe only receives");
        }
        if (message.length > maxMessage()) {
            throw new SharedObjectException.TooLarge("a message of " + message.length + " bytes of JSON is over the pipe's " + maxMessage());
        }
        int to = 1 - end;
        long r = ring(to);
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        RobustLock lock = lock(to, true);
        if (lock.acquire(timeoutNanos) == RobustLock.Outcome.TIMED_OUT) {
            return false;
        }
        try {
            long need = 4L + message.length;
            while (true) {
                long head = (long) LONG.getVolatile(m, r + 64);
                long tail = (long) LONG.getVolatile(m, r + 72);
                if (capacity - (tail - head) >= need) {
                    put(r, tail, message);
                    LONG.setRelease(m, r + 72, tail + need);
                    INT.getAndAdd(m, r + 88, 1);
                    INT.getAndAdd(m, r + 80, 1);
                    if ((int) INT.getVolatile(m, r + 92) > 0) {
                        Futex.wake(m, r + 80, Integer.MAX_VALUE);
                    }
                    return true;
                }
                int space = (int) INT.getVolatile(m, r + 84);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                INT.getAndAdd(m, r + 96, 1);
                try {
                    if (capacity - ((long) LONG.getVolatile(m, r + 72) - (long) LONG.getVolatile(m, r + 64)) < need) {
                        Futex.await(m, r + 84, space, Math.min(left, 10_000_000L));
                    }
                } finally {
                    INT.getAndAdd(m, r + 96, -1);
                }
            }
        } finally {
            lock.release();
        }
    }

    /** {@code conn.recv()} on end {@code end}, waiting up to {@code timeoutNanos}; null when nothing came. */
    public byte[] recv(int end, long timeoutNanos) {
        checkEnd(end);
        if (!duplex() && end == 1) {
            throw new SharedObjectException.WrongEnd("end 1 of a one-way pipe only sends");
        }
        long r = ring(end);
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        RobustLock lock = lock(end, false);
        if (lock.acquire(timeoutNanos) == RobustLock.Outcome.TIMED_OUT) {
            return null;
        }
        try {
            if (!awaitData(r, deadline)) {
                return null;
            }
            long head = (long) LONG.getVolatile(m, r + 64);
            int length = getInt(r, head);
            byte[] message = get(r, head + 4, length);
            LONG.setRelease(m, r + 64, head + 4 + length);
            INT.getAndAdd(m, r + 88, -1);
            INT.getAndAdd(m, r + 84, 1);
            if ((int) INT.getVolatile(m, r + 96) > 0) {
                Futex.wake(m, r + 84, Integer.MAX_VALUE);
            }
            return message;
        } finally {
            lock.release();
        }
    }

    /** {@code conn.poll(timeout)}: whether end {@code end} has a message, waiting up to that long. */
    public boolean poll(int end, long timeoutNanos) {
        checkEnd(end);
        return awaitData(ring(end), timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos);
    }

    /** Messages waiting for end {@code end}. */
    public int pending(int end) {
        checkEnd(end);
        return (int) INT.getVolatile(m, ring(end) + 88);
    }

    /** Releases the locks {@code pid} holds; returns how many. */
    int releaseHeldBy(int pid) {
        int n = 0;
        for (int end = 0; end < 2; end++) {
            n += lock(end, true).releaseIfOwnedBy(pid) ? 1 : 0;
            n += lock(end, false).releaseIfOwnedBy(pid) ? 1 : 0;
        }
        return n;
    }

    /** Looks for a message until {@code deadline}: spinning a little, then sleeping on the data sequence. */
    private boolean awaitData(long r, long deadline) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (true) {
            int seq = (int) INT.getVolatile(m, r + 80);
            if ((long) LONG.getVolatile(m, r + 72) != (long) LONG.getVolatile(m, r + 64)) {
                return true;
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                return false;
            }
            if (now < spinUntil && !Thread.currentThread().isVirtual()) {
                Thread.onSpinWait();
                continue;
            }
            INT.getAndAdd(m, r + 92, 1);
            try {
                if ((long) LONG.getVolatile(m, r + 72) == (long) LONG.getVolatile(m, r + 64)) {
                    Futex.await(m, r + 80, seq, Math.min(deadline - now, 100_000_000L));
                }
            } finally {
                INT.getAndAdd(m, r + 92, -1);
            }
        }
    }

    private void put(long r, long tail, byte[] message) {
        byte[] len = {(byte) message.length, (byte) (message.length >>> 8), (byte) (message.length >>> 16), (byte) (message.length >>> 24)};
        copyIn(r, tail, len);
        copyIn(r, tail + 4, message);
    }

    private void copyIn(long r, long position, byte[] bytes) {
        long at = position % capacity;
        long first = Math.min(bytes.length, capacity - at);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, m, r + RING_HEADER + at, first);
        if (first < bytes.length) {
            MemorySegment.copy(MemorySegment.ofArray(bytes), first, m, r + RING_HEADER, bytes.length - first);
        }
    }

    private int getInt(long r, long position) {
        byte[] b = get(r, position, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private byte[] get(long r, long position, int length) {
        byte[] out = new byte[length];
        long at = position % capacity;
        long first = Math.min(length, capacity - at);
        MemorySegment.copy(m, r + RING_HEADER + at, MemorySegment.ofArray(out), 0, first);
        if (first < length) {
            MemorySegment.copy(m, r + RING_HEADER, MemorySegment.ofArray(out), first, length - first);
        }
        return out;
    }

    private static void checkEnd(int end) {
        if (end != 0 && end != 1) {
            throw new IllegalArgumentException("a pipe's end is 0 or 1, got " + end);
        }
    }
}
