package dev.procpool.api;

import java.math.BigInteger;

import dev.procpool.task.TaskJson;
import tools.jackson.databind.JsonNode;

/** Values of Value/Array elements between JSON and the Java types {@code TypeCode} takes. */
final class SharedJson {

    private SharedJson() {
    }

    /** A JSON scalar as Long, BigInteger, Double, Boolean or String; anything else is refused. */
    static Object fromJson(JsonNode v, String field) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            throw new BadRequestException(field, field + " is required");
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString()) {
            return v.stringValue();
        }
        throw new BadRequestException(field, field + " must be a number, a boolean or a one-character string, got " + v.getNodeType());
    }

    static JsonNode toJson(Object value) {
        return value instanceof BigInteger b ? TaskJson.MAPPER.getNodeFactory().numberNode(b) : TaskJson.toJson(value);
    }
}
