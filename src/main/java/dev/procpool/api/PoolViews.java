package dev.procpool.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.procpool.pool.Job;
import dev.procpool.pool.ProcessPool;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Response bodies of {@code /api/pools} and {@code /api/results}. */
final class PoolViews {

    private PoolViews() {
    }

    @Schema(name = "Pool")
    record PoolView(@Schema(example = "default") String name, int processes,
                    @Schema(allowableValues = {"running", "closed", "terminated"}) String state,
                    Integer maxtasksperchild, List<ProcessPool.WorkerStatus> workers,
                    @Schema(description = "Items queued") long pending,
                    @Schema(description = "Items sent to workers, not yet done") long active,
                    @Schema(description = "Items done") long completed,
                    @Schema(description = "Items that raised or were lost") long failed,
                    @Schema(description = "The last time a worker could not be started or its initializer raised, why")
                    @JsonInclude(JsonInclude.Include.NON_NULL) String lastError) {
        static PoolView of(ProcessPool.Status s) {
            return new PoolView(s.name(), s.processes(), s.state().name().toLowerCase(), s.maxtasksperchild(), s.workers(),
                    s.pending(), s.active(), s.completed(), s.failed(), s.lastError());
        }
    }

    /** The answer of a synchronous call. */
    @Schema(name = "Value")
    record Value(@Schema(description = "apply: the target's return value; map and starmap: the list of them, in input order",
            example = "[0, 1, 4, 9]") JsonNode value) {
    }

    @Schema(name = "Progress")
    record Progress(long done, long total) {
    }

    @Schema(name = "AsyncResult")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AsyncResult(@Schema(example = "r1f2e3d4c5b6a") String id, boolean ready,
                       @Schema(description = "Present once ready") Boolean successful,
                       @Schema(description = "The value once successful: one value for apply, a list for map") JsonNode value,
                       @Schema(description = "Why it failed, once ready and not successful") ProcessResponse.ErrorInfo error,
                       Progress progress) {
        static AsyncResult of(Job job) {
            boolean ready = job.isDone();
            Job.Failure f = ready ? job.failure() : null;
            JsonNode value = ready && f == null ? PoolViews.value(job) : null;
            return new AsyncResult(job.id(), ready, ready ? f == null : null, value, f == null ? null : PoolViews.error(f),
                    new Progress(job.done(), job.total()));
        }
    }

    /** The call's value: the one result of apply, else the list. */
    static JsonNode value(Job job) {
        JsonNode[] values = job.values();
        if (job.single()) {
            return values[0];
        }
        var list = JsonNodeFactory.instance.arrayNode(values.length);
        for (JsonNode v : values) {
            list.add(v);
        }
        return list;
    }

    /** A failure as an {@code error {type, message, trace}}: the task's own, or one of procpool's kinds. */
    static ProcessResponse.ErrorInfo error(Job.Failure f) {
        if (f.error() != null) {
            return ProcessResponse.ErrorInfo.of(f.error());
        }
        String type = switch (f.kind()) {
            case TASK_ERROR -> "TaskError";
            case WORKER_LOST -> "WorkerLostError";
            case TIMEOUT -> "TimeoutError";
            case CANCELLED -> "CancelledError";
            case POOL_FAILED -> "PoolError";
        };
        return new ProcessResponse.ErrorInfo(type, f.message(), null);
    }
}
