package dev.procpool.pool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happens in pools, for metrics and live events. Methods are called on the pool's own
 * threads, some while it holds its lock: an implementation must be quick and must not block or
 * call back into the pool. An exception from a listener is logged and ignored.
 */
public interface PoolListener {

    /** Why a pool's worker exited. */
    enum WorkerExit {
        /** It ran its {@code maxtasksperchild} chunks and was retired. */
        RECYCLED,
        /** The pool closed or was terminated. */
        STOPPED,
        /** The pool killed it because a call's timeout passed while it ran that call's tasks. */
        TIMED_OUT,
        /** Its initializer raised. */
        INITIALIZER_FAILED,
        /** It died on its own: a crash, a signal, out of memory, {@code exit()}. */
        CRASHED;

        public String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** A call was queued on a pool: {@code job.total()} tasks. */
    default void jobSubmitted(Job job) {
    }

    /**
     * A chunk of {@code job} ended: {@code completed} tasks returned, {@code failed} raised (0 or 1);
     * it waited {@code waitNanos} from submission to starting on a worker and ran {@code runNanos}.
     */
    default void chunkEnded(Job job, int completed, int failed, long waitNanos, long runNanos) {
    }

    /** {@code items} tasks of {@code job} went back to the queue because their worker died. */
    default void retried(Job job, int items) {
    }

    /** Tasks of {@code job} failed because their worker died and they had no retries left. */
    default void lost(Job job, int items) {
    }

    /** A worker joined pool {@code pool}. */
    default void workerStarted(String pool, long pid) {
    }

    /** A worker of {@code pool} exited; {@code replaced} when the pool starts another in its place. */
    default void workerExited(String pool, long pid, int exitcode, WorkerExit cause, boolean replaced) {
    }

    /** A worker could not be started for {@code pool}. */
    default void launchFailed(String pool, String message) {
    }

    /** A pool was created, closed, terminated or deleted ({@code state} one of those words). */
    default void poolChanged(String pool, String state) {
    }

    /** Fans out to listeners added at any time; a listener that throws does not stop the others. */
    final class Listeners implements PoolListener {
        private static final System.Logger LOG = System.getLogger(PoolListener.class.getName());
        private final List<PoolListener> all = new CopyOnWriteArrayList<>();

        public void add(PoolListener listener) {
            all.add(listener);
        }

        private void each(java.util.function.Consumer<PoolListener> call) {
            for (PoolListener l : all) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "pool listener " + l + " failed", e);
                }
            }
        }

        @Override
        public void jobSubmitted(Job job) {
            each(l -> l.jobSubmitted(job));
        }

        @Override
        public void chunkEnded(Job job, int completed, int failed, long waitNanos, long runNanos) {
            each(l -> l.chunkEnded(job, completed, failed, waitNanos, runNanos));
        }

        @Override
        public void retried(Job job, int items) {
            each(l -> l.retried(job, items));
        }

        @Override
        public void lost(Job job, int items) {
            each(l -> l.lost(job, items));
        }

        @Override
        public void workerStarted(String pool, long pid) {
            each(l -> l.workerStarted(pool, pid));
        }

        @Override
        public void workerExited(String pool, long pid, int exitcode, WorkerExit cause, boolean replaced) {
            each(l -> l.workerExited(pool, pid, exitcode, cause, replaced));
        }

        @Override
        public void launchFailed(String pool, String message) {
            each(l -> l.launchFailed(pool, message));
        }

        @Override
        public void poolChanged(String pool, String state) {
            each(l -> l.poolChanged(pool, state));
        }
    }
}
