package dev.procpool.api;

import dev.procpool.pool.Job;

/** A synchronous pool call ended without its values; answered as a problem for its kind. */
final class JobFailedException extends RuntimeException {

    private final Job.Failure failure;

    JobFailedException(Job.Failure failure) {
        super(failure.message());
        this.failure = failure;
    }

    Job.Failure failure() {
        return failure;
    }
}
