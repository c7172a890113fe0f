package dev.procpool.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How worker JVMs are launched and watched.
 *
 * @param javaCommand       the {@code java} executable
 * @param jvmOptions        extra JVM options, in order, before procpool's own
 * @param maxHeap           the worker's {@code -Xmx}, e.g. {@code 256m}
 * @param socketDir         parent of the manager's private socket directory
 * @param cacheDir          private directory for the worker class path and AOT cache
 * @param aotCache          whether to train and use the JDK's AOT cache for workers
 * @param spares            warm workers kept started and connected, ready for the next process
 * @param startTimeout      how long a new worker may take to connect back
 * @param heartbeatInterval how often the manager pings each worker
 * @param heartbeatTimeout  silence after which either side gives the other up
 * @param outputCapBytes    captured output kept per worker; older bytes are dropped
 */
public record WorkerSettings(Path javaCommand, List<String> jvmOptions, String maxHeap, Path socketDir, Path cacheDir,
                             boolean aotCache, int spares, Duration startTimeout, Duration heartbeatInterval,
                             Duration heartbeatTimeout, int outputCapBytes) {

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]{0,6}[kKmMgG]?");

    public WorkerSettings {
        Objects.requireNonNull(javaCommand, "javaCommand");
        jvmOptions = List.copyOf(jvmOptions);
        if (!HEAP.matcher(maxHeap).matches()) {
            throw new IllegalArgumentException("worker max heap must look like 256m or 2g, got '" + maxHeap + "'");
        }
        Objects.requireNonNull(socketDir, "socketDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        if (spares < 0 || spares > 64) {
            throw new IllegalArgumentException("spares must be 0..64, got " + spares);
        }
        requirePositive(startTimeout, "startTimeout");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(heartbeatTimeout, "heartbeatTimeout");
        if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("heartbeatTimeout must be at least twice heartbeatInterval");
        }
        if (outputCapBytes < 1024) {
            throw new IllegalArgumentException("output cap must be at least 1024 bytes, got " + outputCapBytes);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Defaults for tests and tools: this JVM's java, 256 MiB heap, one spare, temp directories. */
    public static WorkerSettings defaults() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return new WorkerSettings(Path.of(System.getProperty("java.home"), "bin", "java"), List.of(), "256m",
                tmp, tmp.resolve("procpool-" + user), true, 1, Duration.ofSeconds(20), Duration.ofSeconds(2),
                Duration.ofSeconds(30), 1024 * 1024);
    }
}
