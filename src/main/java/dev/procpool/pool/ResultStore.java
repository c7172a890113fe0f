package dev.procpool.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The async results ({@code AsyncResult}) clients can still ask for: at most {@code maxResults},
 * each kept for {@code ttl} after it is ready. When full, the oldest ready one is forgotten;
 * when none is ready, a new async call is refused. Expired results are looked for at most once
 * a second (a sweep reads every kept result; doing it on every call made each async call cost
 * as much as the results kept), so one may be served up to a second past its ttl.
 */
final class ResultStore {

    /** The least time between two sweeps for expired results. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    private final int maxResults;
    private final Duration ttl;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>();
    private Instant nextSweep = Instant.MIN;

    ResultStore(int maxResults, Duration ttl, Clock clock) {
        this.maxResults = maxResults;
        this.ttl = ttl;
        this.clock = clock;
    }

    void add(Job job) {
        lock.lock();
        try {
            purge();
            if (jobs.size() >= maxResults) {
                Iterator<Job> it = jobs.values().iterator();
                while (it.hasNext()) {
                    if (it.next().isDone()) {
                        it.remove();
                        break;
                    }
                }
            }
            if (jobs.size() >= maxResults) {
                throw new PoolBusyException(maxResults + " async results are still running; wait for some or delete them",
                        maxResults);
            }
            jobs.put(job.id(), job);
        } finally {
            lock.unlock();
        }
    }

    Job get(String id) {
        lock.lock();
        try {
            purge();
            Job job = id == null ? null : jobs.get(id);
            if (job == null) {
                throw new ResultNotFoundException(id);
            }
            return job;
        } finally {
            lock.unlock();
        }
    }

    Job remove(String id) {
        lock.lock();
        try {
            Job job = get(id);
            jobs.remove(id);
            return job;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    private void purge() {
        Instant now = clock.instant();
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_INTERVAL);
        for (Iterator<Map.Entry<String, Job>> it = jobs.entrySet().iterator(); it.hasNext(); ) {
            Instant finished = it.next().getValue().finishedAt();
            if (finished != null && finished.plus(ttl).isBefore(now)) {
                it.remove();
            }
        }
    }
}
