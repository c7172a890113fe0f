package dev.procpool.api;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** Request bodies of {@code /api/shared} and {@code /api/sync}. */
final class SharedRequests {

    private SharedRequests() {
    }

    @Schema(name = "ValueRequest", description = "As Value(typecode, value, lock=True)")
    record CreateValue(@Schema(example = "num", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                       @Schema(example = "i", requiredMode = Schema.RequiredMode.REQUIRED,
                               description = "b B h H i I l L q Q f d c ?") String typecode,
                       @Schema(example = "0", description = "Starting value; default the type's zero") JsonNode value,
                       @Schema(description = "Whether tasks may take its lock (get_lock()); default true") Boolean lock) {
    }

    @Schema(name = "ArrayRequest", description = "As Array(typecode, size_or_initializer, lock=True)")
    record CreateArray(@Schema(example = "arr", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                       @Schema(example = "d", requiredMode = Schema.RequiredMode.REQUIRED) String typecode,
                       @Schema(example = "[1.0, 2.0, 3.0]", description = "Starting values (or give size)") JsonNode values,
                       @Schema(description = "Length, all elements zero (or give values)") Long size,
                       @Schema(description = "Whether tasks may take its lock; default true") Boolean lock) {
    }

    @Schema(name = "SharedMemoryRequest", description = "As shared_memory.SharedMemory(name, create=True, size)")
    record CreateMemory(@Schema(example = "blk", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                        @Schema(example = "4096", requiredMode = Schema.RequiredMode.REQUIRED) Long size) {
    }

    @Schema(name = "SetValue")
    record SetValue(@Schema(example = "42", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode value) {
    }

    @Schema(name = "AddToValue")
    record Add(@Schema(example = "1", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode delta) {
    }

    @Schema(name = "SetArraySlice", description = "arr[start:start+len(values)] = values")
    record SetSlice(@Schema(example = "0") Long start,
                    @Schema(example = "[1.0, 2.0]", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode values) {
    }

    @Schema(name = "SyncRequest", description = "value: a semaphore's starting count (default 1); parties: a barrier's")
    record CreateSync(@Schema(example = "l", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                      @Schema(example = "1") Integer value,
                      @Schema(example = "2") Integer parties) {
    }
}
