package dev.procpool.config;

import java.nio.file.Path;
import java.time.Clock;

import dev.procpool.ipc.FrameCodec;
import dev.procpool.pool.PoolManager;
import dev.procpool.process.ProcessLimits;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.SharedReferences;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.process.WorkerSettings;
import dev.procpool.queue.Queues;
import dev.procpool.queue.WorkerRequests;
import dev.procpool.shared.SharedObjects;
import dev.procpool.task.TaskCatalog;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Creates the framework-free engine from {@code procpool.*} properties; Spring stays at this edge. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProcpoolProperties.class)
class EngineConfiguration {

    @Bean
    TaskCatalog taskCatalog(ProcpoolProperties properties) {
        return TaskCatalog.load(properties.tasks().pluginsDir());
    }

    @Bean(destroyMethod = "close")
    WorkerLauncher workerLauncher(ProcpoolProperties properties, TaskCatalog catalog) {
        return new WorkerLauncher(workerSettings(properties.worker()), catalog.pluginJars());
    }

    @Bean(destroyMethod = "close")
    SharedObjects sharedObjects(ProcpoolProperties properties, WorkerLauncher launcher) throws java.io.IOException {
        var s = properties.shared();
        var objects = new SharedObjects(orDefault(s.dir(), SharedObjects.defaultBase()),
                new SharedObjects.Limits(s.maxBytes().toBytes(), s.maxObjects()));
        launcher.onWorkerExit(objects::releaseHeldBy);
        return objects;
    }

    @Bean(destroyMethod = "close")
    Queues queues(ProcpoolProperties properties, WorkerLauncher launcher) {
        var q = properties.queues();
        long item = q.maxItemSize().toBytes();
        if (item > Integer.MAX_VALUE - 8 || item > FrameCodec.MAX_FRAME_BYTES / 2) {
            throw new IllegalArgumentException("procpool.queues.max-item-size must be at most " + FrameCodec.MAX_FRAME_BYTES / 2 + " bytes");
        }
        var queues = new Queues(new Queues.Limits(q.maxQueues(), q.maxSize(), (int) item, q.maxBytes().toBytes(), q.maxWaiters()));
        launcher.onWorkerExit(queues::workerExited);
        var requests = new WorkerRequests(queues);
        launcher.onQueueRequest((worker, request) -> {
            var reply = requests.handle(worker.pid(), request);
            if (reply != null) {
                reply.thenAccept(payload -> {
                    try {
                        worker.sendPayload(payload);
                    } catch (java.io.IOException dying) {
                        // its exit puts back what it had not confirmed
                    }
                });
            }
        });
        return queues;
    }

    @Bean
    SharedReferences sharedReferences(SharedObjects objects, Queues queues) {
        return new SharedReferences(objects, (kind, name) -> kind.equals("$queue") && queues.queueExists(name));
    }

    @Bean(destroyMethod = "close")
    ProcessManager processManager(ProcpoolProperties properties, TaskCatalog catalog, WorkerLauncher launcher,
                                  SharedReferences shared) {
        var p = properties.processes();
        return new ProcessManager(catalog, launcher, new ProcessLimits(p.maxLive(), p.maxRetained(), p.terminateGrace()),
                Clock.systemUTC(), shared);
    }

    @Bean(destroyMethod = "close")
    PoolManager poolManager(ProcpoolProperties properties, TaskCatalog catalog, WorkerLauncher launcher, SharedReferences shared) {
        var p = properties.pools();
        int processes = p.defaultProcesses() > 0 ? p.defaultProcesses() : Runtime.getRuntime().availableProcessors();
        return new PoolManager(catalog, launcher, new PoolManager.Limits(p.maxPools(), p.maxProcesses(), p.retries(),
                p.maxPending(), p.maxResults(), p.resultTtl()), processes, Clock.systemUTC(), shared);
    }

    /** The properties over {@link WorkerSettings#defaults()}: an empty path keeps the default. */
    static WorkerSettings workerSettings(ProcpoolProperties.Worker w) {
        WorkerSettings d = WorkerSettings.defaults();
        long cap = w.outputCap().toBytes();
        if (cap > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("procpool.worker.output-cap must be below 2 GB");
        }
        return new WorkerSettings(orDefault(w.java(), d.javaCommand()), w.jvmOptions(), w.maxHeap(),
                orDefault(w.socketDir(), d.socketDir()), orDefault(w.cacheDir(), d.cacheDir()), w.aotCache(), w.spares(),
                w.startTimeout(), w.heartbeatInterval(), w.heartbeatTimeout(), (int) cap);
    }

    private static Path orDefault(String path, Path fallback) {
        return path == null || path.isBlank() ? fallback : Path.of(path);
    }
}
