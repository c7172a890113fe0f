package dev.procpool.process;

import java.time.Duration;

/**
 * Caps that keep the process table bounded.
 *
 * @param maxLive        processes running at once; one more start is refused
 * @param maxRetained    process records kept; past it the oldest exited record is forgotten
 * @param terminateGrace how long a terminated worker may take before it is killed
 */
public record ProcessLimits(int maxLive, int maxRetained, Duration terminateGrace) {

    public ProcessLimits {
        if (maxLive < 1) {
            throw new IllegalArgumentException("maxLive must be at least 1, got " + maxLive);
        }
        if (maxRetained < maxLive) {
            throw new IllegalArgumentException("maxRetained must be at least maxLive");
        }
        if (terminateGrace == null || terminateGrace.isNegative()) {
            throw new IllegalArgumentException("terminateGrace must not be negative");
        }
    }

    public static ProcessLimits defaults() {
        return new ProcessLimits(64, 1000, Duration.ofSeconds(5));
    }
}
