package dev.procpool.api;

import dev.procpool.pool.Items;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.JsonNode;

/** Request bodies of {@code /api/pools}. */
final class PoolRequests {

    private PoolRequests() {
    }

    @Schema(name = "PoolRequest", description = "As Pool(processes, initializer, initargs, maxtasksperchild)")
    record Create(@Schema(example = "squares", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                  @Schema(description = "Worker slots; default one per available processor", example = "4") Integer processes,
                  @Schema(description = "Chunks a worker runs before it is replaced; default no limit") Integer maxtasksperchild,
                  @Schema(description = "Target run once in each new worker") String initializer,
                  @Schema(description = "Its arguments, a JSON array") JsonNode initargs) {
    }

    @Schema(name = "ApplyRequest", description = "As pool.apply(target, args, kwds)")
    record Apply(@Schema(example = "demo.square", requiredMode = Schema.RequiredMode.REQUIRED) String target,
                 @Schema(example = "[10]") JsonNode args,
                 JsonNode kwargs,
                 @Schema(description = "Seconds; at the deadline a still-running task is killed and the call fails (504)", example = "30")
                 Double timeout,
                 @Schema(description = "apply-async only: an http(s) URL that receives the final AsyncResult by POST")
                 String callback) {
    }

    @Schema(name = "MapRequest", description = "As pool.map(target, iterable, chunksize); for starmap each item is a list of arguments")
    record Map(@Schema(example = "demo.square", requiredMode = Schema.RequiredMode.REQUIRED) String target,
               @Schema(description = "The items, a JSON array", types = {"array"}, example = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
                       requiredMode = Schema.RequiredMode.REQUIRED)
               @JsonDeserialize(using = ItemsDeserializer.class) Items iterable,
               @Schema(description = "Items per chunk; default as Python computes it (imap: 1)") Integer chunksize,
               @Schema(description = "Seconds; at the deadline running tasks are killed and the call fails (504)") Double timeout,
               @Schema(description = "*-async only: an http(s) URL that receives the final AsyncResult by POST") String callback) {
    }
}
