package dev.procpool.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.procpool.process.WorkerLauncher;
import dev.procpool.process.WorkerSettings;
import dev.procpool.task.TaskArgumentException;
import dev.procpool.task.TaskCatalog;
import dev.procpool.task.TaskJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pools on real worker JVMs: Python's semantics, and what Python's Pool gets wrong. */
@Timeout(180)
class PoolManagerTests {

    private static WorkerLauncher launcher;
    private static PoolManager pools;
    private static final Duration LONG = Duration.ofSeconds(60);

    @BeforeAll
    static void start() {
        launcher = new WorkerLauncher(WorkerSettings.defaults(), List.of());
        pools = new PoolManager(TaskCatalog.builtins(), launcher,
                new PoolManager.Limits(8, 8, 1, 5_000, 100, Duration.ofMinutes(1)), 2, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        pools.close();
        launcher.close();
    }

    static JsonNode json(String text) {
        return TaskJson.MAPPER.readTree(text);
    }

    static ArrayNode ints(int n) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        IntStream.range(0, n).forEach(a::add);
        return a;
    }

    static Job await(Job job) throws Exception {
        return job.finished().get(90, TimeUnit.SECONDS);
    }

    @Test
    void mapReturnsResultsInInputOrder() throws Exception {
        Job job = await(pools.map(PoolManager.DEFAULT, "square", ints(1000), null, false, LONG));
        assertThat(job.failure()).isNull();
        JsonNode[] values = job.values();
        assertThat(values).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(values[i].longValue()).isEqualTo((long) i * i);
        }
        Job small = await(pools.map(PoolManager.DEFAULT, "cube", ints(10), 3, false, LONG));
        assertThat(small.values()[9].longValue()).isEqualTo(729);
        assertThat(await(pools.map(PoolManager.DEFAULT, "square", ints(0), null, false, LONG)).values()).isEmpty();
    }

    @Test
    void starmapSpreadsEachItemAndApplyTakesKwargs() throws Exception {
        Job primes = await(pools.map(PoolManager.DEFAULT, "count_primes", json("[[0, 10], [10, 100], [0, 100]]"), null, true, LONG));
        assertThat(primes.values()).extracting(JsonNode::longValue).containsExactly(4L, 21L, 25L);
        Job apply = await(pools.apply(PoolManager.DEFAULT, "sha256", json("[\"abc\"]"), json("{\"rounds\": 1}"), LONG));
        assertThat(apply.single()).isTrue();
        assertThat(apply.values()[0].stringValue()).startsWith("ba7816bf");
    }

    @Test
    void badItemsAreRefusedBeforeAnythingIsQueued() {
        assertThatThrownBy(() -> pools.map(PoolManager.DEFAULT, "square", json("[1, \"two\", 3]"), null, false, LONG))
                .isInstanceOfSatisfying(TaskArgumentException.class, e -> assertThat(e.field()).isEqualTo("iterable[1]"));
        assertThatThrownBy(() -> pools.map(PoolManager.DEFAULT, "count_primes", json("[1, 2]"), null, false, LONG))
                .hasMessageContaining("use starmap");
        assertThatThrownBy(() -> pools.map(PoolManager.DEFAULT, "square", json("{}"), null, false, LONG))
                .isInstanceOf(TaskArgumentException.class);
        assertThat(pools.get(PoolManager.DEFAULT).status().pending()).isZero();
    }

    @Test
    void theFirstTaskErrorFailsTheCallAndThePoolStaysHealthy() throws Exception {
        Job job = await(pools.map(PoolManager.DEFAULT, "sha256", json("[[\"a\", 1], [\"b\", 0], [\"c\", 1]]"), 1, true, LONG));
        assertThat(job.failure().kind()).isEqualTo(Job.FailureKind.TASK_ERROR);
        assertThat(job.failure().error().message()).contains("rounds must be at least 1");
        assertThat(job.failure().error().trace()).contains("BuiltinTasks.sha256");
        assertThat(await(pools.map(PoolManager.DEFAULT, "square", ints(5), null, false, LONG)).values()).hasSize(5);
    }

    @Test
    void aWorkerKilledMidMapIsReplacedAndItsChunkRetried() throws Exception {
        ProcessPool pool = pools.create("kill-test", 2, null, null, null);
        try {
            ArrayNode items = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < 2000; i++) {
                items.add(0.001 + i * 1e-7);
            }
            Job job = pools.map("kill-test", "sleep", items, 50, false, LONG);
            while (job.done() < 300) {
                Thread.sleep(20);
            }
            Long victim = pool.status().workers().getFirst().pid();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            await(job);
            assertThat(job.failure()).isNull();
            JsonNode[] values = job.values();
            for (int i = 0; i < 2000; i++) {
                assertThat(values[i].doubleValue()).isEqualTo(items.get(i).doubleValue());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && pool.status().workers().stream().anyMatch(w -> w.pid() == null)) {
                Thread.sleep(50);
            }
            assertThat(pool.status().workers()).hasSize(2).allSatisfy(w -> assertThat(w.pid()).isNotNull().isNotEqualTo(victim));
        } finally {
            pools.delete("kill-test");
        }
    }

    @Test
    void aChunkWhoseWorkersKeepDyingFailsWithTheWorkersPidAndExitCode() throws Exception {
        Job job = await(pools.map(PoolManager.DEFAULT, "exit", json("[9]"), null, false, LONG));
        assertThat(job.failure().kind()).isEqualTo(Job.FailureKind.WORKER_LOST);
        assertThat(job.failure().message()).contains("exited with code 9").contains("exit items [0, 1)").contains("attempt 2 of 2");
        assertThat(await(pools.map(PoolManager.DEFAULT, "square", ints(3), null, false, LONG)).values()).hasSize(3);
    }

    @Test
    void aTimeoutKillsTheRunningTaskAndThePoolStaysUsable() throws Exception {
        long t0 = System.nanoTime();
        Job job = await(pools.apply(PoolManager.DEFAULT, "sleep", json("[30]"), null, Duration.ofSeconds(1)));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(job.failure().kind()).isEqualTo(Job.FailureKind.TIMEOUT);
        assertThat(await(pools.apply(PoolManager.DEFAULT, "square", json("[7]"), null, LONG)).values()[0].longValue()).isEqualTo(49);
    }

    @Test
    void maxtasksperchildRecyclesWorkersAndInitializersRunInEachNewOne() throws Exception {
        ProcessPool pool = pools.create("recycle", 1, 2, "echo", json("[\"init\"]"));
        try {
            Set<Long> pids = new java.util.HashSet<>();
            for (int round = 0; round < 3; round++) {
                Job job = await(pools.map("recycle", "square", ints(4), 1, false, LONG));
                assertThat(job.values()).extracting(JsonNode::longValue).containsExactly(0L, 1L, 4L, 9L);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && pids.size() < 2) {
                Long pid = pool.status().workers().getFirst().pid();
                if (pid != null) {
                    pids.add(pid);
                }
                await(pools.map("recycle", "square", ints(2), 1, false, LONG));
            }
            assertThat(pids).as("a worker is replaced after 2 chunks").hasSizeGreaterThanOrEqualTo(2);
            assertThat(pool.status().completed()).isGreaterThanOrEqualTo(12);
        } finally {
            pools.delete("recycle");
        }
        pools.create("bad-init", 1, null, "fail", json("[\"no setup for you\"]"));
        try {
            Job job = await(pools.map("bad-init", "square", ints(2), null, false, LONG));
            assertThat(job.failure().message()).contains("initializer fail raised").contains("no setup for you");
            assertThat(pools.get("bad-init").status().lastError()).contains("no setup for you");
        } finally {
            pools.delete("bad-init");
        }
    }

    @Test
    void closeLetsQueuedWorkFinishTerminateFailsItAndJoinWaitsForTheWorkers() throws Exception {
        ProcessPool pool = pools.create("lifecycle", 2, null, null, null);
        Job running = pools.map("lifecycle", "sleep", json("[0.2, 0.2, 0.2]"), 1, false, LONG);
        assertThatThrownBy(() -> pool.join(Duration.ZERO)).isInstanceOf(PoolStateException.class);
        pool.close();
        assertThatThrownBy(() -> pools.map("lifecycle", "square", ints(1), null, false, LONG)).isInstanceOf(PoolStateException.class);
        assertThat(pool.join(Duration.ofSeconds(30))).isTrue();
        assertThat(await(running).failure()).isNull();
        assertThat(pool.status().state()).isEqualTo(ProcessPool.State.CLOSED);
        pools.delete("lifecycle");

        ProcessPool doomed = pools.create("doomed", 1, null, null, null);
        Job slow = pools.map("doomed", "sleep", json("[30, 30]"), 1, false, LONG);
        doomed.terminate();
        assertThat(await(slow).failure().kind()).isEqualTo(Job.FailureKind.POOL_FAILED);
        assertThat(doomed.join(Duration.ofSeconds(30))).isTrue();
        pools.delete("doomed");
        assertThatThrownBy(() -> pools.get("doomed")).isInstanceOf(PoolNotFoundException.class);
        assertThatThrownBy(() -> pools.delete(PoolManager.DEFAULT)).isInstanceOf(PoolStateException.class);
    }

    @Test
    void pendingWorkIsBoundedAndAsyncResultsAreKeptAndCancellable() throws Exception {
        assertThatThrownBy(() -> pools.map(PoolManager.DEFAULT, "square", ints(6_000), null, false, LONG))
                .isInstanceOf(PoolBusyException.class);
        Job kept = pools.keep(pools.map(PoolManager.DEFAULT, "sleep", json("[0.05, 0.05]"), 1, false, null));
        assertThat(pools.result(kept.id())).isSameAs(kept);
        await(kept);
        Job cancelled = pools.cancel(pools.keep(pools.map(PoolManager.DEFAULT, "sleep", json("[5, 5, 5, 5, 5, 5]"), 1, false, null)).id());
        assertThat(cancelled.failure().kind()).isEqualTo(Job.FailureKind.CANCELLED);
        assertThatThrownBy(() -> pools.result(cancelled.id())).isInstanceOf(ResultNotFoundException.class);
        Set<String> names = pools.list().stream().map(ProcessPool::name).collect(Collectors.toSet());
        assertThat(names).contains(PoolManager.DEFAULT);
    }
}
