package dev.procpool.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.procpool.pool.Job;
import dev.procpool.pool.PoolListener;
import dev.procpool.pool.PoolManager;
import dev.procpool.pool.ProcessPool;
import dev.procpool.process.ProcessListener;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.ProcessSnapshot;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.queue.Queues;
import dev.procpool.shared.SharedObjects;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * procpool's meters (exported at /actuator/prometheus). Counted as things happen, through the
 * pools' and processes' listeners: tasks submitted, completed, failed and retried by pool and
 * target, the time chunks waited and ran (timers with percentiles), worker restarts by pool and
 * cause, process starts and their start-up latency. Read from the engine's own counts: pending and
 * active tasks, live workers and spares, running processes, queue depths, queued bytes and shared
 * memory in use. Pools and queues come and go, so those gauges are added and removed every two
 * seconds; a deleted pool's meters are removed with it.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean(destroyMethod = "close")
    EngineMeters engineMeters(PoolManager pools, ProcessManager processes, WorkerLauncher launcher, Queues queues, SharedObjects shared) {
        return new EngineMeters(pools, processes, launcher, queues, shared);
    }

    static final class EngineMeters implements MeterBinder, AutoCloseable, PoolListener, ProcessListener {
        private final PoolManager pools;
        private final ProcessManager processes;
        private final WorkerLauncher launcher;
        private final Queues queues;
        private final SharedObjects shared;
        private final Map<String, List<Meter>> byObject = new HashMap<>();
        private final ScheduledExecutorService refresher =
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-meters").factory());
        private final Map<String, TaskMeters> taskMeters = new ConcurrentHashMap<>();
        private volatile MeterRegistry registry;
        private Counter processesStarted;
        private Timer processStartup;

        /** The meters of one pool and target. */
        private record TaskMeters(Counter submitted, Counter completed, Counter failed, Counter retried, Timer waited, Timer ran) {
        }

        EngineMeters(PoolManager pools, ProcessManager processes, WorkerLauncher launcher, Queues queues, SharedObjects shared) {
            this.pools = pools;
            this.processes = processes;
            this.launcher = launcher;
            this.queues = queues;
            this.shared = shared;
        }

        @Override
        public synchronized void bindTo(MeterRegistry registry) {
            this.registry = registry;
            Gauge.builder("procpool.workers.live", launcher, l -> l.health().liveWorkers())
                    .description("Worker JVMs running, pools' and processes' and spares").register(registry);
            Gauge.builder("procpool.workers.spares", launcher, l -> l.health().spares())
                    .description("Warm workers waiting for a process").register(registry);
            Gauge.builder("procpool.processes.live", processes, ProcessManager::liveCount)
                    .description("Processes running").register(registry);
            Gauge.builder("procpool.shared.memory.used", shared, SharedObjects::usedBytes).baseUnit("bytes")
                    .description("Bytes of shared-memory segments in use").register(registry);
            Gauge.builder("procpool.queues.bytes", queues, Queues::bytes).baseUnit("bytes")
                    .description("Bytes of all queued items").register(registry);
            processesStarted = Counter.builder("procpool.processes.started")
                    .description("Processes whose task began running in their worker").register(registry);
            processStartup = Timer.builder("procpool.processes.startup")
                    .description("From a process start asked for to its task running in its worker (taking a warm spare or "
                            + "launching a JVM, sending the task, loading it)")
                    .publishPercentiles(0.5, 0.95, 0.99).register(registry);
            refresh();
            refresher.scheduleWithFixedDelay(this::refresh, 2, 2, TimeUnit.SECONDS);
            pools.addListener(this);
            processes.addListener(this);
        }

        private TaskMeters tasks(Job job) {
            return taskMeters.computeIfAbsent(job.pool() + '\0' + job.target(), key -> {
                Tags tags = Tags.of("pool", job.pool(), "target", job.target());
                return new TaskMeters(
                        Counter.builder("procpool.tasks.submitted").tags(tags).description("Tasks queued on a pool").register(registry),
                        Counter.builder("procpool.tasks.completed").tags(tags).description("Tasks that returned").register(registry),
                        Counter.builder("procpool.tasks.failed").tags(tags)
                                .description("Tasks that raised, or whose worker died with no retries left").register(registry),
                        Counter.builder("procpool.tasks.retried").tags(tags)
                                .description("Tasks put back in the queue because their worker died").register(registry),
                        Timer.builder("procpool.tasks.wait").tags(tags)
                                .description("Time a chunk of tasks waited from submission until a worker began it "
                                        + "(one task for apply, chunksize tasks for map)")
                                .publishPercentiles(0.5, 0.95, 0.99).register(registry),
                        Timer.builder("procpool.tasks.run").tags(tags)
                                .description("Time a chunk of tasks ran on its worker (one task for apply, chunksize tasks for map)")
                                .publishPercentiles(0.5, 0.95, 0.99).register(registry));
            });
        }

        @Override
        public void jobSubmitted(Job job) {
            if (registry != null) {
                tasks(job).submitted().increment(job.total());
            }
        }

        @Override
        public void chunkEnded(Job job, int completed, int failed, long waitNanos, long runNanos) {
            if (registry == null) {
                return;
            }
            TaskMeters m = tasks(job);
            if (completed > 0) {
                m.completed().increment(completed);
            }
            if (failed > 0) {
                m.failed().increment(failed);
            }
            m.waited().record(waitNanos, TimeUnit.NANOSECONDS);
            m.ran().record(runNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void retried(Job job, int items) {
            if (registry != null) {
                tasks(job).retried().increment(items);
            }
        }

        @Override
        public void lost(Job job, int items) {
            if (registry != null) {
                tasks(job).failed().increment(items);
            }
        }

        @Override
        public void workerExited(String pool, long pid, int exitcode, WorkerExit cause, boolean replaced) {
            MeterRegistry r = registry;
            if (r != null && replaced) {
                Counter.builder("procpool.workers.restarts").tags("pool", pool, "cause", cause.tag())
                        .description("Workers a pool replaced, by why the old one exited").register(r).increment();
            }
        }

        @Override
        public void launchFailed(String pool, String message) {
            MeterRegistry r = registry;
            if (r != null) {
                Counter.builder("procpool.workers.launch.failures").tag("pool", pool)
                        .description("Workers that could not be started for a pool").register(r).increment();
            }
        }

        @Override
        public void poolChanged(String pool, String state) {
            MeterRegistry r = registry;
            if (r != null && "deleted".equals(state)) {
                forget(r, pool);
            }
        }

        /** Removes every meter of a deleted pool, so pools made and deleted under new names do not grow the registry. */
        private synchronized void forget(MeterRegistry r, String pool) {
            taskMeters.keySet().removeIf(key -> key.startsWith(pool + '\0'));
            byObject.remove("pool:" + pool);
            for (Meter m : List.copyOf(r.getMeters())) {
                if (m.getId().getName().startsWith("procpool.") && pool.equals(m.getId().getTag("pool"))) {
                    r.remove(m);
                }
            }
        }

        @Override
        public void processStarted(ProcessSnapshot process, long startupNanos) {
            if (registry != null) {
                processesStarted.increment();
                processStartup.record(startupNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** Adds the meters of new pools and queues, removes those of deleted ones. */
        synchronized void refresh() {
            if (registry == null) {
                return;
            }
            Set<String> now = pools.list().stream().map(p -> "pool:" + p.name()).collect(Collectors.toSet());
            queues.list().forEach(q -> now.add("queue:" + q.name()));
            byObject.keySet().removeIf(key -> {
                if (!now.contains(key)) {
                    byObject.get(key).forEach(registry::remove);
                    return true;
                }
                return false;
            });
            for (String key : now) {
                if (byObject.containsKey(key)) {
                    continue;
                }
                String name = key.substring(key.indexOf(':') + 1);
                if (key.startsWith("pool:")) {
                    var meters = new java.util.ArrayList<Meter>(List.of(
                            Gauge.builder("procpool.tasks.pending", pools, m -> status(m, name, Stat.PENDING)).tag("pool", name)
                                    .description("Items waiting in a pool's queue").register(registry),
                            Gauge.builder("procpool.tasks.active", pools, m -> status(m, name, Stat.ACTIVE)).tag("pool", name)
                                    .description("Items on a pool's workers now").register(registry)));
                    for (String state : WORKER_STATES) {
                        meters.add(Gauge.builder("procpool.pool.workers", pools, m -> workers(m, name, state))
                                .tags("pool", name, "state", state)
                                .description("A pool's worker slots by state: busy, idle, starting (no worker yet), "
                                        + "initializing (running the initializer), retiring (past maxtasksperchild)")
                                .register(registry));
                    }
                    byObject.put(key, List.copyOf(meters));
                } else {
                    byObject.put(key, List.of(Gauge.builder("procpool.queue.depth", queues, q -> depth(q, name)).tag("queue", name)
                            .description("Items in a queue (exact)").register(registry)));
                }
            }
        }

        private enum Stat { PENDING, ACTIVE }

        private static double status(PoolManager pools, String name, Stat stat) {
            try {
                ProcessPool.Status s = pools.get(name).status();
                return switch (stat) {
                    case PENDING -> s.pending();
                    case ACTIVE -> s.active();
                };
            } catch (RuntimeException gone) {
                return Double.NaN;
            }
        }

        private static final List<String> WORKER_STATES = List.of("busy", "idle", "starting", "initializing", "retiring");

        private static double workers(PoolManager pools, String name, String state) {
            try {
                return pools.get(name).status().workers().stream().filter(w -> w.state().equals(state)).count();
            } catch (RuntimeException gone) {
                return Double.NaN;
            }
        }

        private static double depth(Queues queues, String name) {
            try {
                return queues.info(name).size();
            } catch (RuntimeException gone) {
                return Double.NaN;
            }
        }

        @Override
        public void close() {
            refresher.shutdownNow();
        }
    }
}
