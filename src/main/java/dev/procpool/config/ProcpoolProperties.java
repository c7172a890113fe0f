package dev.procpool.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code procpool.*}.
 *
 * @param worker    how worker JVMs are launched and watched
 * @param processes caps on the process table
 * @param pools     pools, their queues and async results
 * @param tasks     where task plugins come from
 * @param api       limits of the REST API
 * @param shared    shared memory: where its files live and how much of it there may be
 * @param queues    queues and pipes: how many, how long, how large
 * @param security  who may call the API
 * @param events    the live event stream, /api/events
 */
@ConfigurationProperties("procpool")
public record ProcpoolProperties(@DefaultValue Worker worker, @DefaultValue Processes processes,
                                 @DefaultValue Pools pools, @DefaultValue Tasks tasks, @DefaultValue Api api,
                                 @DefaultValue Shared shared, @DefaultValue Queues queues, @DefaultValue Security security,
                                 @DefaultValue Events events) {

    /**
     * Worker JVMs.
     *
     * @param java              the java executable for workers; empty means the manager's own
     * @param jvmOptions        extra JVM options for every worker, after procpool's own (so they win)
     * @param maxHeap           each worker's maximum heap (-Xmx), e.g. 256m or 2g
     * @param socketDir         parent directory of the manager's private (0700) socket directory; empty means the temp dir
     * @param cacheDir          private directory for the worker class path and AOT cache; empty means a per-user folder in the temp dir
     * @param aotCache          train the JDK's AOT cache for workers on first start and use it, for faster worker start-up
     * @param spares            warm workers kept started and connected, ready for the next process (0 to 64)
     * @param startTimeout      how long a new worker may take to start and connect back
     * @param heartbeatInterval how often the manager pings each worker
     * @param heartbeatTimeout  silence after which a worker is killed, and after which a worker gives up its manager
     * @param outputCap         captured output kept per process; older bytes are dropped and counted
     */
    public record Worker(@DefaultValue("") String java,
                         @DefaultValue("-XX:+UseSerialGC") List<String> jvmOptions,
                         @DefaultValue("256m") String maxHeap,
                         @DefaultValue("") String socketDir,
                         @DefaultValue("") String cacheDir,
                         @DefaultValue("true") boolean aotCache,
                         @DefaultValue("2") int spares,
                         @DefaultValue("20s") Duration startTimeout,
                         @DefaultValue("2s") Duration heartbeatInterval,
                         @DefaultValue("30s") Duration heartbeatTimeout,
                         @DefaultValue("1MB") DataSize outputCap) {
    }

    /**
     * The process table.
     *
     * @param maxLive        processes running at once; one more start is refused with 429
     * @param maxRetained    process records kept; past it the oldest exited one is forgotten, and with none exited a create is refused with 429
     * @param terminateGrace how long a terminated process may take to exit before it is killed
     */
    public record Processes(@DefaultValue("64") int maxLive,
                            @DefaultValue("1000") int maxRetained,
                            @DefaultValue("5s") Duration terminateGrace) {
    }

    /**
     * Pools.
     *
     * @param defaultProcesses worker slots of the default pool; 0 means one per available processor
     * @param maxPools         pools that may exist at once, the default one included
     * @param maxProcesses     worker slots one pool may have
     * @param retries          times a chunk is retried on another worker after its worker died
     * @param maxPending       items that may wait in one pool's queue; beyond it a call is refused with 429
     * @param maxResults       async results kept; when all are still running a new async call is refused with 429
     * @param resultTtl        how long a ready async result is kept
     */
    public record Pools(@DefaultValue("0") int defaultProcesses,
                        @DefaultValue("16") int maxPools,
                        @DefaultValue("64") int maxProcesses,
                        @DefaultValue("1") int retries,
                        @DefaultValue("1000000") long maxPending,
                        @DefaultValue("10000") int maxResults,
                        @DefaultValue("10m") Duration resultTtl) {
    }

    /**
     * Task plugins.
     *
     * @param pluginsDir directory whose *.jar files add task targets, read at start-up
     */
    public record Tasks(@DefaultValue("plugins") Path pluginsDir) {
    }

    /**
     * The REST API.
     *
     * @param maxWait        the longest any request waits (join, long polls); a larger or absent timeout is cut to it
     * @param maxRequestSize the largest request body accepted; a larger one is refused with 413
     */
    public record Api(@DefaultValue("300s") Duration maxWait, @DefaultValue("8MB") DataSize maxRequestSize) {
    }

    /**
     * Shared memory (Value, Array, SharedMemory and the synchronisation objects).
     *
     * @param dir        parent of the manager's private (0700) segment directory; empty means /dev/shm when writable, else the temp dir
     * @param maxBytes   bytes all segment files may take together; keep it below the size of /dev/shm (Docker's default is 64 MB)
     * @param maxObjects shared objects of all kinds that may exist at once
     */
    public record Shared(@DefaultValue("") String dir, @DefaultValue("32MB") DataSize maxBytes,
                         @DefaultValue("1024") int maxObjects) {
    }

    /**
     * Queues and pipes.
     *
     * @param maxQueues   queues and pipes that may exist at once; one more is refused with 429
     * @param maxSize     items one queue (or one direction of a pipe) may hold; the largest maxsize, and what maxsize 0 means
     * @param maxItemSize one item's JSON; a larger one is refused with 413
     * @param maxBytes    all queued items together; past it puts wait for room as on a full queue
     * @param maxWaiters  calls (gets, puts) waiting on one queue at once; one more is refused with 429
     */
    public record Queues(@DefaultValue("256") int maxQueues, @DefaultValue("100000") int maxSize,
                         @DefaultValue("1MB") DataSize maxItemSize, @DefaultValue("256MB") DataSize maxBytes,
                         @DefaultValue("10000") int maxWaiters) {
    }

    /**
     * Access control.
     *
     * @param apiKey when set (or the environment variable PROCPOOL_API_KEY), every request but
     *               /actuator/health must carry it as {@code X-API-Key: <key>} or
     *               {@code Authorization: Bearer <key>}; empty means no key is asked for
     */
    public record Security(@DefaultValue("") String apiKey) {
    }

    /**
     * The live event stream, {@code GET /api/events}.
     *
     * @param maxClients  streams open at once; one more is refused with 429
     * @param buffer      events waiting to be written to one client; a client that falls this far behind is dropped
     * @param bufferBytes the same bound in bytes of event data waiting, for when events are large (many pools, maps or
     *                    shared arrays); a client with nothing waiting still takes one larger event
     * @param interval    how often changes are gathered and sent: task counts, job progress and pool states are
     *                    sent at most this often, however busy the pools
     * @param maxStream   how long one stream stays open; a client (EventSource does) reconnects after it ends
     * @param heartbeat   how often a comment line is sent on a quiet stream, so dead connections are noticed
     */
    public record Events(@DefaultValue("32") int maxClients, @DefaultValue("512") int buffer,
                         @DefaultValue("8MB") DataSize bufferBytes,
                         @DefaultValue("250ms") Duration interval, @DefaultValue("30m") Duration maxStream,
                         @DefaultValue("15s") Duration heartbeat) {
    }
}
