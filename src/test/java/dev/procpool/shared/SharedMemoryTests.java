package dev.procpool.shared;

import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Segments, robust locks and the synchronisation objects on real mapped files, with threads; across JVMs in the API tests. */
@Timeout(60)
class SharedMemoryTests {

    @TempDir
    Path base;
    SharedObjects objects;

    @BeforeEach
    void open() throws Exception {
        objects = new SharedObjects(base, new SharedObjects.Limits(1 << 20, 16));
    }

    @AfterEach
    void close() {
        objects.close();
    }

    @Test
    void typeCodesStoreWhatPythonsDoAndRefuseWhatDoesNotFit() {
        assertThat(TypeCode.INT.fromBits(TypeCode.INT.toBits(-5L))).isEqualTo(-5L);
        assertThat(TypeCode.UNSIGNED_LONG_LONG.fromBits(TypeCode.UNSIGNED_LONG_LONG.toBits(new BigInteger("18446744073709551615"))))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(TypeCode.FLOAT.fromBits(TypeCode.FLOAT.toBits(1.5))).isEqualTo(1.5);
        assertThat(TypeCode.DOUBLE.fromBits(TypeCode.DOUBLE.toBits(3L))).isEqualTo(3.0);
        assertThat(TypeCode.CHAR.fromBits(TypeCode.CHAR.toBits("é"))).isEqualTo("é");
        assertThat(TypeCode.BOOL.fromBits(TypeCode.BOOL.toBits(true))).isEqualTo(true);
        assertThat(TypeCode.INT.fromBits(TypeCode.INT.addBits(TypeCode.INT.toBits(Integer.MAX_VALUE), 1L))).isEqualTo((long) Integer.MIN_VALUE);
        assertThatThrownBy(() -> TypeCode.INT.toBits(1L << 31)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TypeCode.UNSIGNED_BYTE.toBits(-1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TypeCode.INT.toBits(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TypeCode.CHAR.toBits("ab")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TypeCode.of("x")).isInstanceOf(IllegalArgumentException.class);
        for (TypeCode t : TypeCode.values()) {
            assertThat(TypeCode.of(String.valueOf(t.code()))).isEqualTo(t);
            assertThat(t.fromBits(t.toBits(t.zero()))).isEqualTo(t.zero());
        }
    }

    @Test
    void twoMappingsOfOneFileSeeEachOthersWritesAndDeleteRemovesTheFile() throws Exception {
        var entry = objects.create(Segment.Kind.ARRAY, "arr", TypeCode.DOUBLE, 3, true);
        assertThat(entry.file().getParent()).isEqualTo(objects.dir());
        assertThat(Files.getPosixFilePermissions(objects.dir()).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
        try (Segment other = Segment.open(entry.file())) {
            entry.segment().set(1, 2.5);
            assertThat(other.get(1)).isEqualTo(2.5);
            other.add(1, 1.0);
            assertThat(entry.segment().get(1)).isEqualTo(3.5);
            assertThat(other.compareAndSet(1, 3.5, 7.0)).isTrue();
            assertThat(other.compareAndSet(1, 3.5, 8.0)).isFalse();
            assertThat(other.type()).isEqualTo(TypeCode.DOUBLE);
            assertThat(other.length()).isEqualTo(3);
        }
        assertThatThrownBy(() -> entry.segment().get(3)).isInstanceOf(IndexOutOfBoundsException.class);
        objects.delete(Segment.Kind.ARRAY, "arr");
        assertThat(entry.file()).doesNotExist();
        assertThatThrownBy(() -> objects.get(Segment.Kind.ARRAY, "arr")).isInstanceOf(SharedObjectException.NotFound.class);
    }

    @Test
    void namesSizesAndCapsAreChecked() {
        objects.create(Segment.Kind.VALUE, "v", TypeCode.INT, 1, true);
        assertThatThrownBy(() -> objects.create(Segment.Kind.VALUE, "v", TypeCode.INT, 1, true)).isInstanceOf(SharedObjectException.Exists.class);
        objects.create(Segment.Kind.ARRAY, "v", TypeCode.INT, 1, true); // another kind, another namespace
        for (String bad : new String[] {"../x", "a/b", "", ".hidden", "x".repeat(65), "nul\0", "ü"}) {
            assertThatThrownBy(() -> objects.create(Segment.Kind.VALUE, bad, TypeCode.INT, 1, true)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> objects.create(Segment.Kind.ARRAY, "big", TypeCode.DOUBLE, 1 << 20, true))
                .isInstanceOf(SharedObjectException.LimitReached.class).hasMessageContaining("procpool.shared.max-bytes");
        assertThatThrownBy(() -> objects.create(Segment.Kind.ARRAY, "huge", TypeCode.DOUBLE, Long.MAX_VALUE / 2, true))
                .isInstanceOf(SharedObjectException.LimitReached.class);
        assertThatThrownBy(() -> objects.create(Segment.Kind.ARRAY, "none", TypeCode.DOUBLE, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
        for (int i = objects.list(Segment.Kind.values()).size(); i < 16; i++) {
            objects.create(Segment.Kind.EVENT, "e" + i, null, 1, false);
        }
        assertThatThrownBy(() -> objects.create(Segment.Kind.EVENT, "one-more", null, 1, false))
                .isInstanceOf(SharedObjectException.LimitReached.class).hasMessageContaining("procpool.shared.max-objects");
    }

    @Test
    void aStoppedManagersDirectoryIsRemovedAtTheNextStartAndCloseRemovesOurs() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale = Files.createDirectory(base.resolve("procpool-" + p.pid() + "-0badc0de"));
        Files.writeString(stale.resolve("value-1.seg"), "x");
        Path ours = objects.dir();
        try (var second = new SharedObjects(base, new SharedObjects.Limits(1 << 20, 16))) {
            assertThat(stale).doesNotExist();
            assertThat(ours).exists(); // a running manager's directory stays
        }
        objects.close();
        assertThat(ours).doesNotExist();
    }

    @Test
    void threadsIncrementingUnderTheLockLoseNothing() throws Exception {
        assertThat(Futex.inKernel()).isTrue();
        Segment value = objects.create(Segment.Kind.VALUE, "n", TypeCode.INT, 1, true).segment();
        try (Segment other = Segment.open(value.file())) {
            var threads = new ArrayList<Thread>();
            for (int t = 0; t < 4; t++) {
                Segment s = t % 2 == 0 ? value : other;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        s.lock().acquire(-1);
                        s.setBits(0, s.getBits(0) + 1);
                        s.lock().release();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(value.get(0)).isEqualTo(200_000L);
            assertThat(value.lock().ownerPid()).isZero();
        }
    }

    @Test
    void anAddWaitsForTheLockOnlyAsLongAsItIsAllowedTo() throws Exception {
        Segment value = objects.create(Segment.Kind.VALUE, "busy", TypeCode.LONG, 1, true).segment();
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            value.lock().acquire(-1);
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            value.lock().release();
        });
        held.await();
        assertThatThrownBy(() -> value.add(0, 1L, TimeUnit.MILLISECONDS.toNanos(50)))
                .isInstanceOf(SharedObjectException.Locked.class).hasMessageContaining("pid " + RobustLock.PID);
        assertThat(value.get(0)).isEqualTo(0L);
        release.countDown();
        holder.join();
        assertThat(value.add(0, 1L, TimeUnit.MILLISECONDS.toNanos(50))).isEqualTo(1L);
    }

    @Test
    void aReentrantLockCountsItsHoldsAndOnlyItsOwnerReleasesIt() throws Exception {
        RobustLock rlock = objects.create(Segment.Kind.RLOCK, "r", null, 1, true).segment().lock();
        assertThat(rlock.acquire(-1)).isEqualTo(RobustLock.Outcome.ACQUIRED);
        assertThat(rlock.acquire(-1)).isEqualTo(RobustLock.Outcome.ACQUIRED);
        assertThat(rlock.holdCount()).isEqualTo(2);
        var other = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                rlock.release();
            } catch (IllegalStateException e) {
                other.set(1);
            }
            other.addAndGet(rlock.acquire(TimeUnit.MILLISECONDS.toNanos(50)) == RobustLock.Outcome.TIMED_OUT ? 10 : 0);
        });
        t.join();
        assertThat(other.get()).isEqualTo(11);
        rlock.release();
        rlock.release();
        assertThat(rlock.ownerPid()).isZero();
        assertThatThrownBy(rlock::release).isInstanceOf(IllegalStateException.class);

        RobustLock lock = objects.create(Segment.Kind.LOCK, "l", null, 1, true).segment().lock();
        lock.acquire(-1);
        assertThat(lock.acquire(TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(RobustLock.Outcome.TIMED_OUT); // not reentrant
        Thread.ofPlatform().start(lock::release).join(); // a plain lock may be released by anyone
        assertThat(lock.ownerPid()).isZero();
    }

    @Test
    void aLockHeldByADeadProcessIsFreedAndTheNextOwnerIsTold() throws Exception {
        Segment s = objects.create(Segment.Kind.LOCK, "l", null, 1, true).segment();
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        int dead = (int) p.pid();
        ValueLayout.JAVA_INT.varHandle().setVolatile(s.memory(), Segment.LOCK_OFFSET, dead);
        long t0 = System.nanoTime();
        // nobody told the lock: a waiter finds the owner dead by itself within ~100 ms
        assertThat(s.lock().acquire(TimeUnit.SECONDS.toNanos(5))).isEqualTo(RobustLock.Outcome.OWNER_DIED);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
        s.lock().release();
        ValueLayout.JAVA_INT.varHandle().setVolatile(s.memory(), Segment.LOCK_OFFSET, dead);
        assertThat(objects.releaseHeldBy(dead)).isEqualTo(1);
        assertThat(s.lock().ownerDied()).isTrue();
        assertThat(s.lock().acquire(0)).isEqualTo(RobustLock.Outcome.OWNER_DIED);
        s.lock().release();
        assertThat(s.lock().acquire(0)).isEqualTo(RobustLock.Outcome.ACQUIRED);
    }

    @Test
    void semaphoresCountPermitsGiveBackADeadHoldersAndABoundedOneRefusesOverRelease() throws Exception {
        var sem = new SharedSemaphore(objects.create(Segment.Kind.BOUNDED_SEMAPHORE, "s", null, 1, false).segment());
        sem.init(2);
        assertThat(sem.acquire(0)).isEqualTo(RobustLock.Outcome.ACQUIRED);
        assertThat(sem.acquire(0)).isEqualTo(RobustLock.Outcome.ACQUIRED);
        assertThat(sem.acquire(TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(RobustLock.Outcome.TIMED_OUT);
        assertThat(sem.holders()).containsEntry(RobustLock.PID, 2);
        var got = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            if (sem.acquire(TimeUnit.SECONDS.toNanos(5)) != RobustLock.Outcome.TIMED_OUT) {
                got.countDown();
            }
        });
        sem.release();
        assertThat(got.await(5, TimeUnit.SECONDS)).isTrue();
        waiter.join();
        sem.release();
        sem.release();
        assertThat(sem.value()).isEqualTo(2);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("too many");
        sem.acquire(0);
        assertThat(objects.releaseHeldBy(RobustLock.PID)).isEqualTo(1); // as if this process had died
        assertThat(sem.value()).isEqualTo(2);
        assertThat(sem.acquire(0)).isEqualTo(RobustLock.Outcome.OWNER_DIED);
    }

    @Test
    void eventsConditionsAndBarriersBehaveAsPythons() throws Exception {
        var event = new SharedEvent(objects.create(Segment.Kind.EVENT, "e", null, 1, false).segment());
        assertThat(event.await(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        Thread setter = Thread.ofPlatform().start(() -> sleepThen(30, event::set));
        assertThat(event.await(TimeUnit.SECONDS.toNanos(5))).isTrue();
        setter.join();
        event.clear();
        assertThat(event.isSet()).isFalse();

        var condition = new SharedCondition(objects.create(Segment.Kind.CONDITION, "c", null, 1, true).segment());
        assertThatThrownBy(() -> condition.await(0)).isInstanceOf(IllegalStateException.class);
        var woke = new AtomicInteger();
        var ready = new CountDownLatch(2);
        var waiters = new ArrayList<Thread>();
        for (int i = 0; i < 2; i++) {
            waiters.add(Thread.ofPlatform().start(() -> {
                condition.lock().acquire(-1);
                ready.countDown();
                if (condition.await(TimeUnit.SECONDS.toNanos(5))) {
                    woke.incrementAndGet();
                }
                condition.lock().release();
            }));
        }
        assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();
        while (condition.waiters() < 2) {
            Thread.sleep(1);
        }
        condition.lock().acquire(-1);
        condition.notifyEveryone();
        condition.lock().release();
        for (Thread t : waiters) {
            t.join();
        }
        assertThat(woke.get()).isEqualTo(2);
        condition.lock().acquire(-1);
        assertThat(condition.await(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        assertThat(condition.lock().ownerPid()).isEqualTo(RobustLock.PID); // held again after the wait
        condition.lock().release();

        var barrier = new SharedBarrier(objects.create(Segment.Kind.BARRIER, "b", null, 1, true).segment());
        barrier.init(3);
        var indexes = java.util.Collections.synchronizedList(new ArrayList<Integer>());
        List<Thread> parties = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parties.add(Thread.ofPlatform().start(() -> indexes.add(barrier.await(TimeUnit.SECONDS.toNanos(5)))));
        }
        for (Thread t : parties) {
            t.join();
        }
        assertThat(indexes).containsExactlyInAnyOrder(0, 1, 2);
        assertThatThrownBy(() -> barrier.await(TimeUnit.MILLISECONDS.toNanos(20))).isInstanceOf(SharedBarrier.BrokenException.class);
        assertThat(barrier.broken()).isTrue();
        barrier.reset();
        assertThat(barrier.broken()).isFalse();
        assertThat(barrier.waiting()).isZero();
    }

    @Test
    void aPipeCarriesEachEndsMessagesInOrderThroughSharedMemoryAndAOneWayPipeOnlyOneWay() throws Exception {
        var entry = objects.create(Segment.Kind.PIPE, "p", null, 64, false);
        var pipe = new SharedPipe(entry.segment());
        pipe.init(true);
        try (Segment other = Segment.open(entry.file())) {
            var far = new SharedPipe(other);
            assertThat(pipe.send(0, "\"hi\"".getBytes(), 0)).isTrue();
            assertThat(far.poll(1, 0)).isTrue();
            assertThat(far.poll(0, 0)).isFalse();
            assertThat(new String(far.recv(1, 0))).isEqualTo("\"hi\"");
            assertThat(far.recv(1, TimeUnit.MILLISECONDS.toNanos(20))).isNull();
            // the ring wraps: 64 bytes, messages of 4 + 20
            var received = new ArrayList<String>();
            Thread reader = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    received.add(new String(far.recv(1, TimeUnit.SECONDS.toNanos(5))));
                }
            });
            for (int i = 0; i < 50; i++) {
                assertThat(pipe.send(0, String.format("\"message number %04d\"", i).getBytes(), TimeUnit.SECONDS.toNanos(5))).isTrue();
            }
            reader.join();
            assertThat(received).hasSize(50).first().isEqualTo("\"message number 0000\"");
            assertThat(received.getLast()).isEqualTo("\"message number 0049\"");
            assertThat(pipe.pending(1)).isZero();
            assertThat(pipe.send(0, new byte[40], 0)).isTrue();
            assertThat(pipe.send(0, new byte[40], TimeUnit.MILLISECONDS.toNanos(20))).isFalse(); // full
            assertThatThrownBy(() -> pipe.send(0, new byte[61], 0)).isInstanceOf(SharedObjectException.TooLarge.class);
        }
        var oneWay = new SharedPipe(objects.create(Segment.Kind.PIPE, "one-way", null, 64, false).segment());
        oneWay.init(false);
        assertThatThrownBy(() -> oneWay.send(0, new byte[1], 0)).isInstanceOf(SharedObjectException.WrongEnd.class);
        assertThatThrownBy(() -> oneWay.recv(1, 0)).isInstanceOf(SharedObjectException.WrongEnd.class);
        assertThat(oneWay.send(1, "1".getBytes(), 0)).isTrue();
        assertThat(new String(oneWay.recv(0, 0))).isEqualTo("1");
        assertThatThrownBy(() -> oneWay.recv(2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sleepThen(long millis, Runnable r) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.run();
    }
}
