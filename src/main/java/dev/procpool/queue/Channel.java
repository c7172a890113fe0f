package dev.procpool.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One FIFO of JSON items with its waiting getters and putters: a queue. Waiters are futures, completed by the operation that satisfies them (or by a timeout), so
 * a waiter holds no thread. Futures are always completed outside the lock.
 */
final class Channel {

    /** A get waiting for items; {@code pid} 0 for an HTTP client. */
    record Getter(CompletableFuture<List<byte[]>> future, int max, long pid, long requestId) {
    }

    /** A put waiting for room: the items still to go in. */
    record Putter(CompletableFuture<Boolean> future, ArrayDeque<byte[]> remaining, long pid) {
    }

    /** Items handed to a worker's get, kept until it confirms it has them; {@code taken} of them its task has taken so far. */
    static final class Delivery {
        final Channel channel;
        final List<byte[]> items;
        int taken;

        Delivery(Channel channel, List<byte[]> items) {
            this.channel = channel;
            this.items = items;
        }

        /** The items the task has not taken. */
        List<byte[]> rest() {
            return items.subList(Math.min(taken, items.size()), items.size());
        }
    }

    final String label;
    final int maxsize;
    final boolean joinable;
    final ReentrantLock lock = new ReentrantLock();
    private final Queues owner;
    private final ArrayDeque<byte[]> items = new ArrayDeque<>();
    private final ArrayDeque<Getter> getters = new ArrayDeque<>();
    private final ArrayDeque<Putter> putters = new ArrayDeque<>();
    private final List<CompletableFuture<Boolean>> joiners = new ArrayList<>();
    private long bytes;
    private long unfinished;
    private boolean closed;

    Channel(Queues owner, String label, int maxsize, boolean joinable) {
        this.owner = owner;
        this.label = label;
        this.maxsize = maxsize;
        this.joinable = joinable;
    }

    /** A batch of completions to run once the lock is released. */
    static final class Completions {
        private final List<Runnable> actions = new ArrayList<>();

        void add(Runnable r) {
            actions.add(r);
        }

        void run() {
            for (Runnable r : actions) {
                r.run();
            }
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    long unfinished() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }

    int waitingGetters() {
        lock.lock();
        try {
            return getters.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts {@code batch} in order, as far as there is room; the rest waits (up to {@code timeoutNanos};
     * 0 means do not wait). The future is true once all are in, false if the time ran out first.
     */
    CompletableFuture<Boolean> put(List<byte[]> batch, long timeoutNanos, long pid) {
        var done = new Completions();
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        lock.lock();
        try {
            checkOpen();
            owner.checkWaiters(getters.size() + putters.size());
            var remaining = new ArrayDeque<>(batch);
            if (putters.isEmpty()) {
                moveIn(remaining, done);
            }
            if (remaining.isEmpty()) {
                done.add(() -> f.complete(true));
            } else if (timeoutNanos == 0) {
                done.add(() -> f.complete(false));
            } else {
                Putter p = new Putter(f, remaining, pid);
                putters.addLast(p);
                owner.timeout(timeoutNanos, () -> expire(p));
            }
        } finally {
            lock.unlock();
        }
        done.run();
        return f;
    }

    /**
     * Takes 1 to {@code max} items, waiting up to {@code timeoutNanos} for the first (0: do not
     * wait); an empty list when none came. Items for a worker ({@code pid} > 0) stay recorded as
     * delivered until it confirms them.
     */
    CompletableFuture<List<byte[]>> get(int max, long timeoutNanos, long pid, long requestId) {
        var done = new Completions();
        CompletableFuture<List<byte[]>> f = new CompletableFuture<>();
        lock.lock();
        try {
            checkOpen();
            if (!items.isEmpty() && getters.isEmpty()) {
                List<byte[]> taken = takeOut(max, done);
                deliver(taken, pid, requestId);
                done.add(() -> f.complete(taken));
            } else if (timeoutNanos == 0) {
                done.add(() -> f.complete(List.of()));
            } else {
                owner.checkWaiters(getters.size() + putters.size());
                Getter g = new Getter(f, max, pid, requestId);
                getters.addLast(g);
                owner.timeout(timeoutNanos, () -> expire(g));
            }
        } finally {
            lock.unlock();
        }
        done.run();
        return f;
    }

    /** Takes up to {@code max} items now, without waiting (REST drain). */
    List<byte[]> drain(int max) {
        var done = new Completions();
        List<byte[]> taken;
        lock.lock();
        try {
            checkOpen();
            taken = takeOut(max, done);
        } finally {
            lock.unlock();
        }
        done.run();
        return taken;
    }

    /** Python's {@code task_done()}. @throws IllegalStateException when called more times than items were put */
    void taskDone() {
        var done = new Completions();
        lock.lock();
        try {
            checkOpen();
            if (unfinished == 0) {
                throw new QueueException.State("task_done() called too many times");
            }
            if (--unfinished == 0) {
                for (var j : joiners) {
                    done.add(() -> j.complete(true));
                }
                joiners.clear();
            }
        } finally {
            lock.unlock();
        }
        done.run();
    }

    /** Python's {@code join()}: true once every item put has been marked done, false on timeout. */
    CompletableFuture<Boolean> join(long timeoutNanos) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        lock.lock();
        try {
            checkOpen();
            if (unfinished == 0) {
                f.complete(true);
                return f;
            }
            if (timeoutNanos == 0) {
                f.complete(false);
                return f;
            }
            joiners.add(f);
        } finally {
            lock.unlock();
        }
        owner.timeout(timeoutNanos, () -> {
            lock.lock();
            try {
                joiners.remove(f);
            } finally {
                lock.unlock();
            }
            f.complete(false);
        });
        return f;
    }

    /** Puts items a dead worker had been given back at the head, in their order. */
    void requeue(List<byte[]> back) {
        var done = new Completions();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (int i = back.size() - 1; i >= 0; i--) {
                items.addFirst(back.get(i));
                bytes += back.get(i).length;
                owner.addBytes(back.get(i).length);
            }
            serveGetters(done);
        } finally {
            lock.unlock();
        }
        done.run();
    }

    /** Drops the waiters of a worker that exited. */
    void forget(long pid) {
        var done = new Completions();
        lock.lock();
        try {
            for (Iterator<Getter> it = getters.iterator(); it.hasNext(); ) {
                Getter g = it.next();
                if (g.pid() == pid) {
                    it.remove();
                    done.add(() -> g.future().complete(List.of()));
                }
            }
            for (Iterator<Putter> it = putters.iterator(); it.hasNext(); ) {
                Putter p = it.next();
                if (p.pid() == pid) {
                    it.remove();
                    done.add(() -> p.future().complete(false));
                }
            }
            servePutters(done);
            serveGetters(done);
        } finally {
            lock.unlock();
        }
        done.run();
    }

    /** Fails every waiter and frees the items (the queue was deleted). */
    void close() {
        var done = new Completions();
        lock.lock();
        try {
            closed = true;
            owner.addBytes(-bytes);
            bytes = 0;
            items.clear();
            getters.forEach(g -> done.add(() -> g.future().completeExceptionally(new QueueException.NotFound(label + " was deleted"))));
            putters.forEach(p -> done.add(() -> p.future().completeExceptionally(new QueueException.NotFound(label + " was deleted"))));
            joiners.forEach(j -> done.add(() -> j.complete(false)));
            getters.clear();
            putters.clear();
            joiners.clear();
        } finally {
            lock.unlock();
        }
        done.run();
    }

    private void checkOpen() {
        if (closed) {
            throw new QueueException.NotFound(label + " was deleted");
        }
    }

    /** Moves items from {@code remaining} into the queue while there is room; serves getters. Under the lock. */
    private void moveIn(ArrayDeque<byte[]> remaining, Completions done) {
        while (!remaining.isEmpty() && items.size() < maxsize && owner.hasRoomFor(remaining.peekFirst().length)) {
            byte[] item = remaining.pollFirst();
            items.addLast(item);
            bytes += item.length;
            owner.addBytes(item.length);
            if (joinable) {
                unfinished++;
            }
        }
        serveGetters(done);
    }

    private List<byte[]> takeOut(int max, Completions done) {
        var taken = new ArrayList<byte[]>(Math.min(max, items.size()));
        while (taken.size() < max && !items.isEmpty()) {
            byte[] item = items.pollFirst();
            bytes -= item.length;
            owner.addBytes(-item.length);
            taken.add(item);
        }
        servePutters(done);
        return taken;
    }

    private void serveGetters(Completions done) {
        while (!getters.isEmpty() && !items.isEmpty()) {
            Getter g = getters.pollFirst();
            List<byte[]> taken = new ArrayList<>();
            while (taken.size() < g.max() && !items.isEmpty()) {
                byte[] item = items.pollFirst();
                bytes -= item.length;
                owner.addBytes(-item.length);
                taken.add(item);
            }
            deliver(taken, g.pid(), g.requestId());
            done.add(() -> g.future().complete(taken));
        }
        if (!putters.isEmpty() && items.size() < maxsize) {
            servePutters(done);
        }
    }

    private void servePutters(Completions done) {
        while (!putters.isEmpty() && items.size() < maxsize) {
            Putter p = putters.peekFirst();
            int before = items.size();
            moveInPutter(p);
            if (p.remaining().isEmpty()) {
                putters.pollFirst();
                done.add(() -> p.future().complete(true));
            } else if (items.size() == before) {
                break; // no room in the byte budget
            }
        }
        if (!getters.isEmpty() && !items.isEmpty()) {
            serveGetters(done);
        }
    }

    private void moveInPutter(Putter p) {
        while (!p.remaining().isEmpty() && items.size() < maxsize && owner.hasRoomFor(p.remaining().peekFirst().length)) {
            byte[] item = p.remaining().pollFirst();
            items.addLast(item);
            bytes += item.length;
            owner.addBytes(item.length);
            if (joinable) {
                unfinished++;
            }
        }
    }

    private void deliver(List<byte[]> taken, long pid, long requestId) {
        if (pid > 0 && !taken.isEmpty()) {
            owner.delivered(pid, requestId, new Delivery(this, taken));
        }
    }

    private void expire(Getter g) {
        boolean removed;
        lock.lock();
        try {
            removed = getters.remove(g);
        } finally {
            lock.unlock();
        }
        if (removed) {
            g.future().complete(List.of());
        }
    }

    private void expire(Putter p) {
        var done = new Completions();
        boolean removed;
        lock.lock();
        try {
            removed = putters.remove(p);
            if (removed) {
                serveGetters(done);
            }
        } finally {
            lock.unlock();
        }
        done.run();
        if (removed) {
            p.future().complete(false);
        }
    }
}
