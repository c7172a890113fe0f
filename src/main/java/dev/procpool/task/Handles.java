package dev.procpool.task;

import java.util.Map;

import dev.procpool.shared.Segment;

/** Which reference kind each handle type takes, and the handle of a mapped segment. */
public final class Handles {

    private static final Map<Class<?>, String> KINDS = Map.ofEntries(
            Map.entry(ValueHandle.class, "$value"), Map.entry(ArrayHandle.class, "$array"), Map.entry(MemoryHandle.class, "$memory"),
            Map.entry(LockHandle.class, "$lock"), Map.entry(RLockHandle.class, "$rlock"), Map.entry(SemaphoreHandle.class, "$semaphore"),
            Map.entry(EventHandle.class, "$event"), Map.entry(ConditionHandle.class, "$condition"), Map.entry(BarrierHandle.class, "$barrier"),
            Map.entry(QueueHandle.class, "$queue"), Map.entry(PipeHandle.class, "$pipe"));

    private Handles() {
    }

    /** The reference kind a parameter of {@code type} takes, or null when it is not a handle type. */
    public static String kindOf(Class<?> type) {
        return KINDS.get(type);
    }

    /** The segment kinds a reference kind may name, in the order they are looked up. */
    public static java.util.List<Segment.Kind> segmentKinds(String kind) {
        return switch (kind) {
            case "$value" -> java.util.List.of(Segment.Kind.VALUE);
            case "$array" -> java.util.List.of(Segment.Kind.ARRAY);
            case "$memory" -> java.util.List.of(Segment.Kind.MEMORY);
            case "$lock" -> java.util.List.of(Segment.Kind.LOCK);
            case "$rlock" -> java.util.List.of(Segment.Kind.RLOCK);
            case "$semaphore" -> java.util.List.of(Segment.Kind.SEMAPHORE, Segment.Kind.BOUNDED_SEMAPHORE);
            case "$event" -> java.util.List.of(Segment.Kind.EVENT);
            case "$condition" -> java.util.List.of(Segment.Kind.CONDITION);
            case "$barrier" -> java.util.List.of(Segment.Kind.BARRIER);
            case "$pipe" -> java.util.List.of(Segment.Kind.PIPE);
            default -> java.util.List.of();
        };
    }

    /** A pipe's end {@code end} over its mapped segment. */
    public static PipeHandle pipeEnd(Segment segment, int end) {
        return new PipeHandle(new dev.procpool.shared.SharedPipe(segment), end);
    }

    /** The handle of type {@code type} over a mapped segment of a matching kind. */
    public static Object of(Class<?> type, Segment segment, boolean lockable) {
        if (type == ValueHandle.class) {
            return new ValueHandle(segment, lockable);
        }
        if (type == ArrayHandle.class) {
            return new ArrayHandle(segment, lockable);
        }
        if (type == MemoryHandle.class) {
            return new MemoryHandle(segment);
        }
        if (type == LockHandle.class) {
            return new LockHandle(segment.lock());
        }
        if (type == RLockHandle.class) {
            return new RLockHandle(segment.lock());
        }
        if (type == SemaphoreHandle.class) {
            return new SemaphoreHandle(new dev.procpool.shared.SharedSemaphore(segment));
        }
        if (type == EventHandle.class) {
            return new EventHandle(new dev.procpool.shared.SharedEvent(segment));
        }
        if (type == ConditionHandle.class) {
            return new ConditionHandle(new dev.procpool.shared.SharedCondition(segment));
        }
        if (type == BarrierHandle.class) {
            return new BarrierHandle(new dev.procpool.shared.SharedBarrier(segment));
        }
        throw new IllegalArgumentException(type + " is not a handle type");
    }

    /** The handle of a queue, which the manager serves over {@code transport}. */
    public static Object ofManaged(Class<?> type, String name, QueueTransport transport) {
        if (type == QueueHandle.class) {
            return new QueueHandle(transport, name);
        }
        throw new IllegalArgumentException(type + " is not served by the manager");
    }

    /** Seconds as Python takes them (negative: no limit) in nanoseconds. */
    static long nanos(double seconds) {
        return seconds < 0 || Double.isNaN(seconds) ? -1 : (long) Math.min(seconds * 1e9, Long.MAX_VALUE / 2);
    }
}
