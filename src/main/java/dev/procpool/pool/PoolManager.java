package dev.procpool.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import dev.procpool.ipc.Command;
import dev.procpool.process.SharedReferences;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.task.TaskArgumentException;
import dev.procpool.task.TaskCatalog;
import dev.procpool.task.TaskMethod;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The pools of the service, the {@code default} one among them, and the calls made on them.
 * Every call is checked against the task's signature, item by item, before any chunk is queued.
 */
public final class PoolManager implements AutoCloseable {

    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @param maxPools      pools that may exist at once, the default one included
     * @param maxProcesses  worker slots one pool may have
     * @param retries       times a chunk is retried after its worker died
     * @param maxPending    items that may wait in one pool's queue
     * @param maxResults    async results kept
     * @param resultTtl     how long a ready async result is kept
     */
    public record Limits(int maxPools, int maxProcesses, int retries, long maxPending, int maxResults, Duration resultTtl) {
        public Limits {
            if (maxPools < 1 || maxProcesses < 1 || retries < 0 || maxPending < 1 || maxResults < 1
                    || resultTtl == null || resultTtl.isNegative()) {
                throw new IllegalArgumentException("pool limits must be positive: " + this);
            }
        }

        public static Limits defaults() {
            return new Limits(16, 64, 1, 1_000_000, 10_000, Duration.ofMinutes(10));
        }
    }

    private final TaskCatalog catalog;
    private final SharedReferences shared;
    private final WorkerLauncher launcher;
    private final Limits limits;
    private final ScheduledExecutorService timer;
    private final Map<String, ProcessPool> pools = new ConcurrentHashMap<>();
    private final ResultStore results;
    private final PoolListener.Listeners listeners = new PoolListener.Listeners();

    public PoolManager(TaskCatalog catalog, WorkerLauncher launcher, Limits limits, int defaultProcesses, Clock clock) {
        this(catalog, launcher, limits, defaultProcesses, clock, SharedReferences.NONE);
    }

    public PoolManager(TaskCatalog catalog, WorkerLauncher launcher, Limits limits, int defaultProcesses, Clock clock,
                       SharedReferences shared) {
        this.shared = shared;
        this.catalog = catalog;
        this.launcher = launcher;
        this.limits = limits;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("procpool-pool-timer").factory());
        this.results = new ResultStore(limits.maxResults(), limits.resultTtl(), clock);
        create(DEFAULT, Math.min(defaultProcesses, limits.maxProcesses()), null, null, null);
    }

    /** As {@code Pool(processes, initializer, initargs, maxtasksperchild)}; {@code processes} null means one per core. */
    public synchronized ProcessPool create(String name, Integer processes, Integer maxtasksperchild, String initializer,
                                           JsonNode initargs) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + NAME.pattern());
        }
        int n = processes == null ? Math.min(Runtime.getRuntime().availableProcessors(), limits.maxProcesses()) : processes;
        if (n < 1 || n > limits.maxProcesses()) {
            throw new IllegalArgumentException("processes must be 1.." + limits.maxProcesses() + ", got " + n);
        }
        if (maxtasksperchild != null && maxtasksperchild < 1) {
            throw new IllegalArgumentException("maxtasksperchild must be at least 1, got " + maxtasksperchild);
        }
        TaskMethod init = null;
        SharedReferences.Call initRefs = shared.call();
        if (initializer != null) {
            init = catalog.require(initializer);
            init.validate(initargs, null, initRefs);
        } else if (initargs != null && !initargs.isNull() && !initargs.isEmpty()) {
            throw new IllegalArgumentException("initargs given without an initializer");
        }
        if (pools.containsKey(name)) {
            throw new PoolStateException("a pool named '" + name + "' already exists");
        }
        if (pools.size() >= limits.maxPools()) {
            throw new PoolBusyException("at most " + limits.maxPools() + " pools may exist", limits.maxPools());
        }
        var settings = new ProcessPool.Settings(name, n, maxtasksperchild == null ? 0 : maxtasksperchild, init,
                initargs, initRefs.refs(), limits.retries(), limits.maxPending());
        ProcessPool pool = new ProcessPool(settings, launcher, timer, listeners);
        pools.put(name, pool);
        listeners.poolChanged(name, "created");
        return pool;
    }

    /** Adds a listener to every pool, present and future (see {@link PoolListener} for its rules). */
    public void addListener(PoolListener listener) {
        listeners.add(listener);
    }

    public ProcessPool get(String name) {
        ProcessPool p = name == null ? null : pools.get(name);
        if (p == null) {
            throw new PoolNotFoundException(name);
        }
        return p;
    }

    public List<ProcessPool> list() {
        return pools.values().stream().sorted(Comparator.comparing(ProcessPool::name)).toList();
    }

    /** Terminates and forgets a pool; the default pool stays. */
    public synchronized void delete(String name) {
        if (DEFAULT.equals(name)) {
            throw new PoolStateException("the default pool cannot be deleted");
        }
        get(name).terminate();
        pools.remove(name);
        listeners.poolChanged(name, "deleted");
    }

    // ---- calls ------------------------------------------------------------------------------

    /** {@code pool.apply_async(target, args, kwds)}: one call, its value the one result. */
    public Job apply(String pool, String target, JsonNode args, JsonNode kwargs, Duration timeout) {
        ProcessPool p = get(pool);
        TaskMethod method = catalog.require(target);
        SharedReferences.Call refs = shared.call();
        method.validate(args, kwargs, refs);
        var call = JsonNodeFactory.instance.objectNode();
        call.set("args", args == null ? JsonNodeFactory.instance.arrayNode() : args);
        call.set("kwargs", kwargs == null ? JsonNodeFactory.instance.objectNode() : kwargs);
        Job job = newJob(p, method, 1, true, refs.refs());
        p.submit(job, Items.of(JsonNodeFactory.instance.arrayNode().add(call)), Command.Spread.CALL, 1, timeout);
        return job;
    }

    /**
     * {@code pool.map} ({@code star} false) or {@code pool.starmap} ({@code star} true) over
     * {@code iterable}, a JSON array; {@code chunksize} null means Python's default.
     */
    public Job map(String pool, String target, JsonNode iterable, Integer chunksize, boolean star, Duration timeout) {
        return map(pool, target, Items.of(iterable), chunksize, star, timeout);
    }

    /** As {@link #map(String, String, JsonNode, Integer, boolean, Duration)}, on items kept as the client's JSON text. */
    public Job map(String pool, String target, Items iterable, Integer chunksize, boolean star, Duration timeout) {
        ProcessPool p = get(pool);
        TaskMethod method = catalog.require(target);
        if (iterable == null || !iterable.isArray()) {
            throw new TaskArgumentException("iterable", "iterable must be a JSON array");
        }
        if (chunksize != null && chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        Class<?> single = star ? null : method.singleParamType();
        SharedReferences.Call refs = shared.call();
        for (int i = 0; i < iterable.size(); i++) {
            if (single != null && fits(single, iterable, i)) {
                continue;
            }
            try {
                method.bindItem(iterable.node(i), star, null, refs);
            } catch (TaskArgumentException e) {
                throw new TaskArgumentException("iterable[" + i + "]", "item " + i + ": " + e.getMessage());
            }
        }
        int n = iterable.size();
        int size = chunksize != null ? chunksize : defaultChunksize(n, p.settings().processes());
        Job job = newJob(p, method, n, false, refs.refs());
        p.submit(job, iterable, star ? Command.Spread.ARGS : Command.Spread.ONE, size, timeout);
        return job;
    }

    /**
     * Whether item {@code i} surely binds to a parameter of {@code type}, from its token alone; when
     * not sure (a long number, a complex type) the item is parsed and bound in full instead.
     */
    private static boolean fits(Class<?> type, Items items, int i) {
        JsonToken kind = items.kind(i);
        if (type == long.class || type == Long.class) {
            return kind == JsonToken.VALUE_NUMBER_INT && items.length(i) <= 18;
        }
        if (type == int.class || type == Integer.class) {
            return kind == JsonToken.VALUE_NUMBER_INT && items.length(i) <= 9;
        }
        if (type == double.class || type == Double.class) {
            return kind == JsonToken.VALUE_NUMBER_INT || kind == JsonToken.VALUE_NUMBER_FLOAT;
        }
        if (type == boolean.class || type == Boolean.class) {
            return kind == JsonToken.VALUE_TRUE || kind == JsonToken.VALUE_FALSE;
        }
        if (type == String.class) {
            return kind == JsonToken.VALUE_STRING;
        }
        return type == JsonNode.class && kind != JsonToken.START_OBJECT;
    }

    /** Python's {@code Pool.map} default: the items in four chunks per worker. */
    static int defaultChunksize(int items, int processes) {
        int chunks = processes * 4;
        int size = items / chunks + (items % chunks == 0 ? 0 : 1);
        return Math.max(1, size);
    }

    private Job newJob(ProcessPool pool, TaskMethod method, int total, boolean single, java.util.Map<String, String> refs) {
        String id = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new Job(id, pool.name(), method, total, single, java.time.Instant.now(), refs);
    }

    /** Keeps {@code job} as an async result clients can fetch by id. */
    public Job keep(Job job) {
        results.add(job);
        return job;
    }

    public Job result(String id) {
        return results.get(id);
    }

    /** Cancels what has not started and forgets the result. */
    public Job cancel(String id) {
        Job job = results.remove(id);
        ProcessPool p = pools.get(job.pool());
        if (p != null) {
            p.cancel(job);
        } else {
            job.fail(new Job.Failure(Job.FailureKind.CANCELLED, "cancelled", null));
        }
        return job;
    }

    /** Cancels what of {@code job} has not started; used when the client it was streaming to went away. */
    public void cancel(Job job) {
        ProcessPool p = pools.get(job.pool());
        if (p != null) {
            p.cancel(job);
        }
    }

    @Override
    public void close() {
        pools.values().forEach(ProcessPool::terminate);
        timer.shutdownNow();
    }
}
