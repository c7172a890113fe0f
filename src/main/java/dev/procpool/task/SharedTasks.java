package dev.procpool.task;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Built-in targets that use shared memory and locks: the seed example, benchmarks and fault tests. */
public final class SharedTasks {

    private SharedTasks() {
    }

    @Task(value = "demo.shared_worker", description = "Under the objects' locks: shared_num += 1, each element of shared_arr *= 2")
    public static void sharedWorker(ValueHandle shared_num, ArrayHandle shared_arr) {
        RLockHandle lock = shared_num.getLock();
        lock.acquire();
        try {
            shared_num.add(1L);
        } finally {
            lock.release();
        }
        RLockHandle arrayLock = shared_arr.getLock();
        arrayLock.acquire();
        try {
            for (int i = 0; i < shared_arr.length(); i++) {
                Object v = shared_arr.get(i);
                shared_arr.set(i, v instanceof Double d ? (Object) (d * 2) : (Object) Math.multiplyExact(((Number) v).longValue(), 2L));
            }
        } finally {
            arrayLock.release();
        }
    }

    @Task(value = "shared.increment", description = "times × (with value.get_lock(): value += 1) on an integer Value; returns {increments, seconds}")
    public static Map<String, Object> increment(ValueHandle value, long times) {
        RLockHandle lock = value.getLock();
        long t0 = System.nanoTime();
        for (long i = 0; i < times; i++) {
            lock.acquire();
            value.setLong(value.getLong() + 1);
            lock.release();
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("increments", times);
        out.put("seconds", (System.nanoTime() - t0) / 1e9);
        return out;
    }

    @Task(value = "lock.hold", description = "Acquires the lock, holds it that many seconds, releases it; returns {ownerDied}")
    public static Map<String, Object> hold(LockHandle lock, double seconds) throws InterruptedException {
        lock.acquire();
        try {
            Thread.sleep((long) (seconds * 1000));
            return Map.of("ownerDied", lock.ownerDied());
        } finally {
            lock.release();
        }
    }

    @Task(value = "lock.die_holding", description = "Acquires the lock, then ends the worker JVM with that exit code while holding it")
    public static Void dieHolding(LockHandle lock, int code, TaskContext context) {
        lock.acquire();
        context.exit(code);
        return null;
    }

    @Task(value = "lock.try_acquire", description = "Tries to acquire within timeout seconds, releases it if it did; returns {acquired, ownerDied}")
    public static Map<String, Object> tryAcquire(LockHandle lock, double timeout) {
        boolean acquired = lock.acquire(timeout);
        boolean died = acquired && lock.ownerDied();
        if (acquired) {
            lock.release();
        }
        return Map.of("acquired", acquired, "ownerDied", died);
    }

    @Task(value = "lock.handoff", description = "rounds × (acquire; note who held it last and when it was released; hold ~20 µs; release) "
            + "on a lock and an Array('q', 2); returns the hand-off latencies from the other process, p50/p99 in µs")
    public static Map<String, Object> handoff(LockHandle lock, ArrayHandle stamps, int rounds) {
        long me = ProcessHandle.current().pid();
        long[] latencies = new long[rounds];
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            lock.acquire();
            long now = System.nanoTime();
            long releasedAt = stamps.getLong(0);
            long lastHolder = stamps.getLong(1);
            if (lastHolder != 0 && lastHolder != me && releasedAt != 0) {
                latencies[n++] = now - releasedAt;
            }
            long until = now + 20_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            stamps.setLong(1, me);
            stamps.setLong(0, System.nanoTime());
            lock.release();
            Thread.onSpinWait();
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        var out = new LinkedHashMap<String, Object>();
        out.put("handoffs", n);
        out.put("p50_us", n == 0 ? null : sorted[(int) Math.ceil(0.50 * n) - 1] / 1e3);
        out.put("p99_us", n == 0 ? null : sorted[(int) Math.ceil(0.99 * n) - 1] / 1e3);
        return out;
    }

    @Task(value = "sync.wait_event", description = "event.wait(timeout): returns whether the event was set")
    public static boolean waitEvent(EventHandle event, double timeout) {
        return event.await(timeout);
    }

    @Task(value = "sync.barrier_wait", description = "barrier.wait(timeout): returns this party's index")
    public static int barrierWait(BarrierHandle barrier, double timeout) {
        return barrier.await(timeout);
    }

    @Task(value = "sync.semaphore_die_holding", description = "Acquires a permit, then ends the worker JVM with that exit code holding it")
    public static Void semaphoreDieHolding(SemaphoreHandle semaphore, int code, TaskContext context) {
        semaphore.acquire();
        context.exit(code);
        return null;
    }

    @Task(value = "sync.semaphore_try_acquire", description = "Tries to take a permit within timeout seconds, gives it back if it did; "
            + "returns {acquired, ownerDied}")
    public static Map<String, Object> semaphoreTryAcquire(SemaphoreHandle semaphore, double timeout) {
        boolean acquired = semaphore.acquire(timeout);
        boolean died = acquired && semaphore.ownerDied();
        if (acquired) {
            semaphore.release();
        }
        return Map.of("acquired", acquired, "ownerDied", died);
    }

    @Task(value = "sync.condition_wait", description = "with condition: condition.wait(timeout); returns whether it was notified")
    public static boolean conditionWait(ConditionHandle condition, double timeout) {
        condition.acquire();
        try {
            return condition.await(timeout);
        } finally {
            condition.release();
        }
    }

    @Task(value = "sync.condition_notify_all", description = "with condition: condition.notify_all()")
    public static void conditionNotifyAll(ConditionHandle condition) {
        condition.acquire();
        try {
            condition.notifyAllWaiters();
        } finally {
            condition.release();
        }
    }
}
