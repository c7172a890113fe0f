package dev.procpool.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manager's shared objects by kind and name: each a {@link Segment} file in one private
 * (0700) directory under {@code /dev/shm} (or another base), named by a sequence number, never by
 * anything a client sent. Bounded in count and in bytes; files are removed on delete and on
 * {@link #close}, and a directory left behind by a killed manager is removed when the next one
 * starts.
 */
public final class SharedObjects implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedObjects.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern DIR = Pattern.compile("procpool-(\\d+)-[0-9a-f]{8}");

    /** A shared object. */
    public record Entry(String name, Segment.Kind kind, Segment segment, boolean lockable, Instant createdAt) {
        public Path file() {
            return segment.file();
        }
    }

    /** Limits. */
    public record Limits(long maxBytes, int maxObjects) {
    }

    private final Path dir;
    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Segment.Kind, Map<String, Entry>> entries = new EnumMap<>(Segment.Kind.class);
    private long usedBytes;
    private long sequence;
    private boolean closed;

    public SharedObjects(Path base, Limits limits) throws IOException {
        this.limits = limits;
        Files.createDirectories(base);
        removeStale(base);
        String suffix = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(4).putInt(ThreadLocalRandom.current().nextInt()).array());
        this.dir = Files.createDirectory(base.resolve("procpool-" + ProcessHandle.current().pid() + "-" + suffix),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (Segment.Kind k : Segment.Kind.values()) {
            entries.put(k, new LinkedHashMap<>());
        }
    }

    /** {@code /dev/shm} when it is a writable directory (memory, not disk), else the temp dir. */
    public static Path defaultBase() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The private directory holding this manager's segment files. */
    public Path dir() {
        return dir;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Creates a shared object; the caller initialises its data.
     *
     * @throws IllegalArgumentException for a bad name or size
     * @throws SharedObjectException.Exists when the name is taken for that kind
     * @throws SharedObjectException.LimitReached past the count or byte cap
     */
    public Entry create(Segment.Kind kind, String name, TypeCode type, long length, boolean lockable) {
        checkName(name);
        if (length < 1) {
            throw new IllegalArgumentException("size must be at least 1, got " + length);
        }
        long bytes;
        try {
            bytes = Segment.fileSize(kind, type, length);
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (type != null && length > (Long.MAX_VALUE - Segment.DATA_OFFSET) / type.size()) {
            bytes = Long.MAX_VALUE;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("shared objects are closed");
            }
            if (entries.get(kind).containsKey(name)) {
                throw new SharedObjectException.Exists(label(kind) + " '" + name + "' already exists");
            }
            int count = entries.values().stream().mapToInt(Map::size).sum();
            if (count >= limits.maxObjects()) {
                throw new SharedObjectException.LimitReached("there are " + count + " shared objects; at most " + limits.maxObjects()
                        + " may exist (procpool.shared.max-objects)");
            }
            if (bytes > limits.maxBytes() - usedBytes) {
                throw new SharedObjectException.LimitReached(label(kind) + " '" + name + "' needs " + bytes + " bytes; "
                        + (limits.maxBytes() - usedBytes) + " of " + limits.maxBytes() + " are free (procpool.shared.max-bytes)");
            }
            Segment segment;
            try {
                segment = Segment.create(dir.resolve(kind.name().toLowerCase() + "-" + (++sequence) + ".seg"), kind, type, length, lockable);
            } catch (IOException e) {
                throw new SharedObjectException.LimitReached("could not create the segment file: " + e.getMessage());
            }
            usedBytes += bytes;
            Entry entry = new Entry(name, kind, segment, lockable, Instant.now());
            entries.get(kind).put(name, entry);
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** The object of that kind and name. */
    public Entry get(Segment.Kind kind, String name) {
        lock.lock();
        try {
            Entry e = name == null ? null : entries.get(kind).get(name);
            if (e == null) {
                throw new SharedObjectException.NotFound("no " + label(kind) + " named '" + name + "'");
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** The objects of these kinds, oldest first. */
    public List<Entry> list(Segment.Kind... kinds) {
        lock.lock();
        try {
            var out = new ArrayList<Entry>();
            for (Segment.Kind k : kinds) {
                out.addAll(entries.get(k).values());
            }
            out.sort(Comparator.comparing(Entry::createdAt));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Unmaps and removes an object; processes that mapped it keep their mapping until they drop it. */
    public void delete(Segment.Kind kind, String name) {
        Entry e;
        lock.lock();
        try {
            e = get(kind, name);
            entries.get(kind).remove(name);
            usedBytes -= Segment.fileSize(kind, e.segment().type(), e.segment().length());
        } finally {
            lock.unlock();
        }
        try {
            e.segment().delete();
        } catch (IOException | IllegalStateException ex) {
            LOG.log(System.Logger.Level.WARNING, "could not remove " + e.file() + ": " + ex);
        }
    }

    /** Bytes the objects' files take. */
    public long usedBytes() {
        lock.lock();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases every lock and semaphore permit process {@code pid} holds, marking each so its next
     * owner is told the holder died; called when a worker exits. Returns how many it released.
     */
    public int releaseHeldBy(long pid) {
        List<Entry> all;
        lock.lock();
        try {
            all = new ArrayList<>();
            entries.values().forEach(m -> all.addAll(m.values()));
        } finally {
            lock.unlock();
        }
        int released = 0;
        for (Entry e : all) {
            try {
                released += SyncObjects.releaseHeldBy(e.segment(), (int) pid);
            } catch (IllegalStateException closedMeanwhile) {
                // deleted while we looked
            }
        }
        if (released > 0) {
            LOG.log(System.Logger.Level.INFO, "released {0} lock(s) or permit(s) held by dead worker pid {1}", released, pid);
        }
        return released;
    }

    /** Unmaps everything and removes the directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Map<String, Entry> m : entries.values()) {
                for (Entry e : m.values()) {
                    try {
                        e.segment().close();
                    } catch (IllegalStateException ignored) {
                        // already unmapped
                    }
                }
                m.clear();
            }
        } finally {
            lock.unlock();
        }
        removeTree(dir);
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit; got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
    }

    /** How people call a kind: "value", "array", "shared memory block", "lock", ... */
    public static String label(Segment.Kind kind) {
        return switch (kind) {
            case MEMORY -> "shared memory block";
            case BOUNDED_SEMAPHORE -> "bounded semaphore";
            case PIPE -> "pipe";
            default -> kind.name().toLowerCase();
        };
    }

    /** Removes the directories of managers that are no longer running. */
    private static void removeStale(Path base) {
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path d : dirs.toList()) {
                var m = DIR.matcher(d.getFileName().toString());
                if (m.matches() && Files.isDirectory(d) && !RobustLock.alive((int) Long.parseLong(m.group(1)))
                        && Files.getOwner(d).getName().equals(System.getProperty("user.name"))) {
                    LOG.log(System.Logger.Level.INFO, "removing shared memory left by a stopped manager: {0}", d);
                    removeTree(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not look for stale shared memory in " + base + ": " + e);
        }
    }

    private static void removeTree(Path d) {
        try (Stream<Path> files = Files.walk(d)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove " + d + ": " + e);
        }
    }
}
