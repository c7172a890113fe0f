package dev.procpool.api;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/processes}: a process to create and, unless {@code start} is false, start. */
@Schema(description = "A process to create, as multiprocessing.Process(target=..., args=..., kwargs=..., name=..., daemon=...)")
record ProcessRequest(
        @Schema(description = "Target task name (see GET /api/tasks)", example = "demo.worker", requiredMode = Schema.RequiredMode.REQUIRED)
        String target,
        @Schema(description = "Positional arguments, a JSON array", example = "[1]")
        JsonNode args,
        @Schema(description = "Keyword arguments, a JSON object", example = "{}")
        JsonNode kwargs,
        @Schema(description = "Name, [A-Za-z0-9._-]{1,64}; default Process-N", example = "worker-1")
        String name,
        @Schema(description = "Kept for multiprocessing parity; every worker ends with the service", defaultValue = "false")
        Boolean daemon,
        @Schema(description = "Start at once (as p.start()); false leaves it created", defaultValue = "true")
        Boolean start) {
}
