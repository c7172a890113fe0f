package dev.procpool.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Async results: kept for their ttl once ready, the oldest ready one forgotten when full, none forgotten while running. */
class ResultStoreTests {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.now(); // jobs stamp their end with the system clock, as the service's store reads it

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static int ids;

    private static Job job() {
        return new Job("r" + ++ids, "default", null, 1, true, Instant.now());
    }

    private static void finish(Job job) {
        assertThat(job.fail(new Job.Failure(Job.FailureKind.CANCELLED, "done for the test", null))).isTrue();
    }

    @Test
    void aReadyResultIsKeptForItsTtlThenForgotten() {
        var clock = new TestClock();
        var store = new ResultStore(10, Duration.ofMinutes(10), clock);
        Job ready = job();
        Job running = job();
        store.add(ready);
        store.add(running);
        finish(ready);

        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertThat(store.get(ready.id())).isSameAs(ready);
        // past its ttl (counted from when it finished, by the job's own clock: allow the sweep's second)
        clock.now = clock.now.plus(Duration.ofMinutes(2)).plus(ResultStore.SWEEP_INTERVAL);
        assertThatThrownBy(() -> store.get(ready.id())).isInstanceOf(ResultNotFoundException.class);
        assertThat(store.get(running.id())).as("a running result is never expired").isSameAs(running);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void whenFullTheOldestReadyResultMakesRoomAndWithNoneReadyANewCallIsRefused() {
        var store = new ResultStore(3, Duration.ofMinutes(10), new TestClock());
        Job a = job();
        Job b = job();
        Job c = job();
        store.add(a);
        store.add(b);
        store.add(c);
        finish(b);
        finish(c);
        Job d = job();
        store.add(d);
        assertThatThrownBy(() -> store.get(b.id())).as("the oldest ready one").isInstanceOf(ResultNotFoundException.class);
        assertThat(store.get(a.id())).as("still running, kept").isSameAs(a);
        assertThat(store.get(c.id())).isSameAs(c);

        Job e = job();
        store.add(e); // c, the only ready one, makes room
        assertThatThrownBy(() -> store.add(job())).isInstanceOf(PoolBusyException.class)
                .hasMessageContaining("3 async results are still running");
        assertThat(store.size()).isEqualTo(3);
    }
}
