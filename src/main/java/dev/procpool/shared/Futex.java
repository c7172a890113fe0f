package dev.procpool.shared;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Linux futexes on 32-bit words of shared mappings, called through the FFM linker: a waiter sleeps
 * in the kernel until the word changes and someone wakes it, across processes (the shared form,
 * not {@code FUTEX_PRIVATE}). Where the call is not available (not Linux, no native access) a
 * waiter parks for a short, growing time instead and {@link #wake} does nothing.
 */
final class Futex {

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final MethodHandle SYSCALL;
    private static final long SYS_FUTEX;
    private static final ThreadLocal<MemorySegment> TIMESPEC = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    static {
        MethodHandle handle = null;
        long number = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
        if (number > 0 && System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                handle = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                        Linker.Option.firstVariadicArg(1));
            } catch (RuntimeException | Error e) {
                handle = null;
            }
        }
        SYSCALL = handle;
        SYS_FUTEX = number;
    }

    private Futex() {
    }

    /** Whether waits sleep in the kernel (true on Linux) rather than polling. */
    static boolean inKernel() {
        return SYSCALL != null;
    }

    /**
     * Sleeps while the int at {@code offset} still holds {@code expected}, at most {@code nanos};
     * returns early, spuriously or not, and callers check the word again.
     */
    static void await(MemorySegment segment, long offset, int expected, long nanos) {
        if (nanos <= 0) {
            return;
        }
        if (SYSCALL == null || Thread.currentThread().isVirtual()) {
            // a virtual thread in a native call would pin its carrier: park (unmounted) and look again
            LockSupport.parkNanos(Math.min(nanos, 200_000));
            return;
        }
        MemorySegment ts = TIMESPEC.get();
        ts.set(ValueLayout.JAVA_LONG, 0, nanos / 1_000_000_000L);
        ts.set(ValueLayout.JAVA_LONG, 8, nanos % 1_000_000_000L);
        try {
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, segment.asSlice(offset, 4), FUTEX_WAIT, expected, ts,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            LockSupport.parkNanos(Math.min(nanos, 200_000));
        }
    }

    /** Wakes up to {@code count} waiters on the int at {@code offset}. */
    static void wake(MemorySegment segment, long offset, int count) {
        if (SYSCALL == null) {
            return;
        }
        try {
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, segment.asSlice(offset, 4), FUTEX_WAKE, count,
                    MemorySegment.NULL, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            // the waiters' timed waits still see the change
        }
    }
}
