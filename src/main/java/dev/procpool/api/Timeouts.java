package dev.procpool.api;

import java.time.Duration;

/** Python-style {@code timeout} seconds, checked and cut to the server's maximum wait. */
final class Timeouts {

    private Timeouts() {
    }

    /** {@code null} means "block", which is the maximum wait. */
    static Duration of(Double seconds, Duration maxWait, String field) {
        if (seconds == null) {
            return maxWait;
        }
        if (seconds.isNaN() || seconds < 0) {
            throw new BadRequestException(field, field + " must be a number of seconds >= 0, got " + seconds);
        }
        if (seconds >= maxWait.toSeconds()) {
            return maxWait;
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
