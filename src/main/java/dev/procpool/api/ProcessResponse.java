package dev.procpool.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.procpool.ipc.RemoteError;
import dev.procpool.process.ProcessSnapshot;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** A process as the API shows it. */
@Schema(name = "Process")
record ProcessResponse(
        @Schema(example = "p3f9c2a1b7e0d") String id,
        @Schema(example = "Process-1") String name,
        @Schema(example = "demo.worker") String target,
        boolean daemon,
        @Schema(description = "The worker JVM's pid; null before start", example = "4711") Long pid,
        @Schema(allowableValues = {"created", "running", "exited"}) String state,
        boolean alive,
        @Schema(description = "null until exited; 0 ok, 1 the target raised, the JVM's code for exit(n), -N when ended by signal N (-15 terminate, -9 kill)",
                example = "0") Integer exitcode,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The target's return value, once it returned") JsonNode result,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The exception the target raised") ErrorInfo error,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Progress the task last reported") ProcessSnapshot.Progress progress,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        @Schema(description = "Bytes of output written so far") long outputBytes,
        @Schema(description = "Oldest output bytes dropped to stay within the cap") long outputDroppedBytes) {

    /** A task's exception: its Java class, message, and stack trace from the worker. */
    @Schema(name = "TaskError")
    record ErrorInfo(@Schema(example = "java.lang.RuntimeException") String type,
                     @Schema(example = "boom") String message,
                     @Schema(example = "java.lang.RuntimeException: boom\n\tat dev.procpool.task.BuiltinTasks.fail(BuiltinTasks.java:97)\n")
                     String trace) {
        static ErrorInfo of(RemoteError e) {
            return e == null ? null : new ErrorInfo(e.type(), e.message(), e.trace());
        }
    }

    static ProcessResponse of(ProcessSnapshot s) {
        return new ProcessResponse(s.id(), s.name(), s.target(), s.daemon(), s.pid(), s.state().wireName(), s.alive(),
                s.exitcode(), s.result(), ErrorInfo.of(s.error()), s.progress(), s.createdAt(), s.startedAt(),
                s.endedAt(), s.outputBytes(), s.outputDroppedBytes());
    }
}
