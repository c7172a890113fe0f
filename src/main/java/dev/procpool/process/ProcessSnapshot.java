package dev.procpool.process;

import java.time.Instant;

import dev.procpool.ipc.RemoteError;
import tools.jackson.databind.JsonNode;

/**
 * A process as it is at one moment. {@code exitcode} follows Python: 0 returned, 1 raised,
 * the JVM's own code for an exit, -N when ended by signal N.
 */
public record ProcessSnapshot(String id, String name, String target, boolean daemon, Long pid, ProcessState state,
                              Integer exitcode, JsonNode result, RemoteError error, Progress progress,
                              Instant createdAt, Instant startedAt, Instant endedAt, long outputBytes,
                              long outputDroppedBytes) {

    /** The last progress the task reported, if any. */
    public record Progress(long done, long total) {
    }

    public boolean alive() {
        return state == ProcessState.RUNNING;
    }
}
