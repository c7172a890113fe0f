package dev.procpool.pool;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.procpool.ipc.RawJson;
import dev.procpool.ipc.RemoteError;
import dev.procpool.task.TaskJson;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;

/**
 * One call on a pool ({@code apply}, {@code map}, {@code starmap}, {@code imap}, ...): its results
 * by input index, its progress, and how it ended. Results are placed as chunks complete, in any
 * order; readers see them in input order ({@link #resultAt}) or in completion order
 * ({@link #completedAt}).
 */
public final class Job {

    /** How a call ended when it did not return all its values. */
    public enum FailureKind {
        /** A task raised; {@code error} is its remote exception. */
        TASK_ERROR,
        /** A worker died and the chunk had no retries left. */
        WORKER_LOST,
        /** The call's timeout passed; its running tasks were killed. */
        TIMEOUT,
        /** The client cancelled it. */
        CANCELLED,
        /** The pool was terminated, or a worker could not be started for it. */
        POOL_FAILED
    }

    /** Why a call failed: the kind, a message for people, and the remote exception for task errors. */
    public record Failure(FailureKind kind, String message, RemoteError error) {
    }

    private final String id;
    private final String pool;
    private final TaskMethod method;
    private final boolean single;
    private final int total;
    /** For each input index, the part holding its result, or null while there is none. */
    private final Part[] partOf;
    private final int[] completionOrder;
    private final Instant createdAt;
    /** The shared objects the call's arguments refer to, and their files, for the workers. */
    private final java.util.Map<String, String> refs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CompletableFuture<Job> finished = new CompletableFuture<>();
    private int done;
    private Failure failure;
    private Instant finishedAt;

    Job(String id, String pool, TaskMethod method, int total, boolean single, Instant createdAt) {
        this(id, pool, method, total, single, createdAt, java.util.Map.of());
    }

    Job(String id, String pool, TaskMethod method, int total, boolean single, Instant createdAt, java.util.Map<String, String> refs) {
        this.refs = refs;
        this.id = id;
        this.pool = pool;
        this.method = method;
        this.total = total;
        this.single = single;
        this.partOf = new Part[total];
        this.completionOrder = new int[total];
        this.createdAt = createdAt;
        if (total == 0) {
            lock.lock();
            try {
                finish(null);
            } finally {
                lock.unlock();
            }
        }
    }

    public String id() {
        return id;
    }

    public String pool() {
        return pool;
    }

    public String target() {
        return method.name();
    }

    TaskMethod method() {
        return method;
    }

    java.util.Map<String, String> refs() {
        return refs;
    }

    /** True for {@code apply}: its value is the one result, not a list. */
    public boolean single() {
        return single;
    }

    public int total() {
        return total;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Completes with this job when it has ended, successfully or not. */
    public CompletableFuture<Job> finished() {
        return finished;
    }

    public boolean isDone() {
        return finished.isDone();
    }

    /**
     * The results of one chunk: as the worker's JSON text, parsed into nodes only when someone asks
     * for a single result; a whole map's answer is written from the text.
     */
    private static final class Part {
        final int start;
        final int count;
        final RawJson raw;
        JsonNode nodes;

        Part(int start, int count, RawJson raw, JsonNode nodes) {
            this.start = start;
            this.count = count;
            this.raw = raw;
            this.nodes = nodes;
        }

        JsonNode get(int index) {
            if (nodes == null) {
                nodes = raw.node();
            }
            return nodes.get(index - start);
        }
    }

    /** Places the {@code count} results, as JSON text, of the chunk that starts at {@code start}; true if that finished the job. */
    boolean place(int start, int count, RawJson chunkResults) {
        return place(new Part(start, count, chunkResults, null));
    }

    /** Places results already parsed (those before a failing item); true if that finished the job. */
    boolean place(int start, JsonNode chunkResults) {
        return place(new Part(start, chunkResults.size(), null, chunkResults));
    }

    private boolean place(Part part) {
        lock.lock();
        try {
            if (finished.isDone()) {
                return false;
            }
            for (int i = part.start; i < part.start + part.count; i++) {
                partOf[i] = part;
                completionOrder[done++] = i;
            }
            changed.signalAll();
            if (done == total) {
                finish(null);
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the job with a failure unless it already ended; true if this call ended it. */
    boolean fail(Failure why) {
        lock.lock();
        try {
            if (finished.isDone()) {
                return false;
            }
            finish(why);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void finish(Failure why) {
        failure = why;
        finishedAt = Instant.now();
        changed.signalAll();
        finished.complete(this);
    }

    /** The failure, or null while running or when it succeeded. */
    public Failure failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    public Instant finishedAt() {
        lock.lock();
        try {
            return finishedAt;
        } finally {
            lock.unlock();
        }
    }

    /** Results in hand so far. */
    public int done() {
        lock.lock();
        try {
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** All values in input order; only once the job has succeeded. */
    public JsonNode[] values() {
        lock.lock();
        try {
            requireValues();
            JsonNode[] values = new JsonNode[total];
            for (int i = 0; i < total; i++) {
                values[i] = partOf[i].get(i);
            }
            return values;
        } finally {
            lock.unlock();
        }
    }

    /**
     * All values in input order as one JSON array, {@code prefix} before it and {@code suffix}
     * after it, in an array of exactly that size: copied from the workers' text where it has it,
     * written from nodes where it has those; only once the job has succeeded.
     */
    public byte[] valuesJson(byte[] prefix, byte[] suffix) {
        Part[] parts;
        lock.lock();
        try {
            requireValues();
            parts = partOf.clone();
        } finally {
            lock.unlock();
        }
        // the pieces first (a part's text without its brackets, or one value's), so the answer is sized once
        var pieces = new java.util.ArrayList<byte[]>();
        var from = new java.util.ArrayList<int[]>();
        int length = prefix.length + 2 + suffix.length;
        for (int i = 0; i < total; ) {
            Part part = parts[i];
            byte[] text;
            int[] range;
            if (part.raw != null && part.start == i) {
                text = part.raw.bytes();
                range = new int[] {1, text.length - 2}; // the chunk's array without its brackets
                i += part.count;
            } else {
                text = TaskJson.MAPPER.writeValueAsBytes(part.get(i));
                range = new int[] {0, text.length};
                i++;
            }
            pieces.add(text);
            from.add(range);
            length += range[1] + (pieces.size() > 1 ? 1 : 0);
        }
        byte[] out = new byte[length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        int at = prefix.length;
        out[at++] = '[';
        for (int p = 0; p < pieces.size(); p++) {
            if (p > 0) {
                out[at++] = ',';
            }
            int[] range = from.get(p);
            System.arraycopy(pieces.get(p), range[0], out, at, range[1]);
            at += range[1];
        }
        out[at++] = ']';
        System.arraycopy(suffix, 0, out, at, suffix.length);
        return out;
    }

    private void requireValues() {
        if (!finished.isDone() || failure != null) {
            throw new IllegalStateException("job " + id + " has no values");
        }
    }

    /**
     * The result at input index {@code index}, waiting up to {@code millis} for it; null when it is
     * not there by then, or the job failed without it.
     */
    public JsonNode resultAt(int index, long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (partOf[index] == null && failure == null && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return partOf[index] == null ? null : partOf[index].get(index);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The input index of the {@code n}-th result to complete, waiting up to {@code millis} for it;
     * -1 when it is not there by then, or the job failed before it.
     */
    public int completedAt(int n, long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (done <= n && failure == null && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return done > n ? completionOrder[n] : -1;
        } finally {
            lock.unlock();
        }
    }

    /** The result at an index {@link #completedAt} returned. */
    public JsonNode resultAt(int index) {
        lock.lock();
        try {
            return partOf[index] == null ? null : partOf[index].get(index);
        } finally {
            lock.unlock();
        }
    }
}
