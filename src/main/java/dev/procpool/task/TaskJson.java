package dev.procpool.task;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper that binds task arguments and encodes results, in the manager and the worker alike. */
public final class TaskJson {

    /** Strict: no coercion of strings to numbers or floats to integers, no unknown properties. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private TaskJson() {
    }
}
