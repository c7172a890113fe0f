package dev.procpool.task;

import dev.procpool.shared.SharedBarrier;

/** A task's {@code multiprocessing.Barrier} ({@code {"$barrier": name}}). */
public final class BarrierHandle {

    private final SharedBarrier barrier;

    BarrierHandle(SharedBarrier barrier) {
        this.barrier = barrier;
    }

    /**
     * Python's {@code wait(timeout)}: returns this party's index, 0 .. parties-1.
     *
     * @throws SharedBarrier.BrokenException when the barrier is broken, or breaks by this timeout
     */
    public int await(double timeoutSeconds) {
        return barrier.await(Handles.nanos(timeoutSeconds));
    }

    public void abort() {
        barrier.abort();
    }

    public void reset() {
        barrier.reset();
    }

    public int parties() {
        return barrier.parties();
    }

    public int waiting() {
        return barrier.waiting();
    }

    public boolean broken() {
        return barrier.broken();
    }
}
