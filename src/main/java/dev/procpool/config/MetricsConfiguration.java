package dev.procpool.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.procpool.pool.PoolManager;
import dev.procpool.pool.ProcessPool;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.queue.Queues;
import dev.procpool.shared.SharedObjects;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * procpool's meters, read from the engine's own counts (exported at /actuator/prometheus): items
 * completed and failed by pool, pending and active items, live workers and spares, running
 * processes, queue depths, queued bytes and shared memory in use. Pools and queues come and go,
 * so their meters are added and removed every two seconds.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean(destroyMethod = "close")
    EngineMeters engineMeters(PoolManager pools, ProcessManager processes, WorkerLauncher launcher, Queues queues, SharedObjects shared) {
        return new EngineMeters(pools, processes, launcher, queues, shared);
    }

    static final class EngineMeters implements MeterBinder, AutoCloseable {
        private final PoolManager pools;
        private final ProcessManager processes;
        private final WorkerLauncher launcher;
        private final Queues queues;
        private final SharedObjects shared;
        private final Map<String, List<Meter>> byObject = new HashMap<>();
        private final ScheduledExecutorService refresher =
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-meters").factory());
        private MeterRegistry registry;

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
            refresh();
            refresher.scheduleWithFixedDelay(this::refresh, 2, 2, TimeUnit.SECONDS);
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
                    byObject.put(key, List.of(
                            FunctionCounter.builder("procpool.tasks.completed", pools, m -> status(m, name, Stat.COMPLETED)).tag("pool", name)
                                    .description("Items completed by a pool's workers").register(registry),
                            FunctionCounter.builder("procpool.tasks.failed", pools, m -> status(m, name, Stat.FAILED)).tag("pool", name)
                                    .description("Items that raised, or whose worker was lost for good").register(registry),
                            Gauge.builder("procpool.tasks.pending", pools, m -> status(m, name, Stat.PENDING)).tag("pool", name)
                                    .description("Items waiting in a pool's queue").register(registry),
                            Gauge.builder("procpool.tasks.active", pools, m -> status(m, name, Stat.ACTIVE)).tag("pool", name)
                                    .description("Items on a pool's workers now").register(registry)));
                } else {
                    byObject.put(key, List.of(Gauge.builder("procpool.queue.depth", queues, q -> depth(q, name)).tag("queue", name)
                            .description("Items in a queue (exact)").register(registry)));
                }
            }
        }

        private enum Stat { COMPLETED, FAILED, PENDING, ACTIVE }

        private static double status(PoolManager pools, String name, Stat stat) {
            try {
                ProcessPool.Status s = pools.get(name).status();
                return switch (stat) {
                    case COMPLETED -> s.completed();
                    case FAILED -> s.failed();
                    case PENDING -> s.pending();
                    case ACTIVE -> s.active();
                };
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
