package dev.procpool.ipc;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON value kept as its UTF-8 text. In a frame it is written and read as it is: the reader
 * takes the bytes of the value out of the frame without building nodes, so a chunk's 12,500
 * results reach the service's answer without being parsed and written again.
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public record RawJson(byte[] bytes) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** The frame being decoded on this thread, so a value can be cut out of it by its byte offsets. */
    static final ThreadLocal<byte[]> FRAME = new ThreadLocal<>();

    public static RawJson of(JsonNode node) {
        return new RawJson(MAPPER.writeValueAsBytes(node));
    }

    /**
     * The elements of this JSON array, each as its own JSON text, found by bracket depth outside
     * strings (not parsed: the text came from a Jackson writer). Empty for anything but a non-empty array.
     */
    public java.util.List<byte[]> elements() {
        var out = new java.util.ArrayList<byte[]>();
        byte[] b = bytes;
        int i = 0;
        while (i < b.length && b[i] != '[') {
            i++;
        }
        int depth = 0;
        int start = -1;
        for (i++; i < b.length; i++) {
            byte c = b[i];
            if (start < 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != ',' && c != ']') {
                start = i;
            }
            if (c == '"') {
                for (i++; i < b.length && b[i] != '"'; i++) {
                    if (b[i] == '\\') {
                        i++;
                    }
                }
            } else if (c == '[' || c == '{') {
                depth++;
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if ((c == ',' || c == ']') && depth == 0) {
                if (start >= 0) {
                    int end = i;
                    while (end > start && (b[end - 1] == ' ' || b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == '\t')) {
                        end--;
                    }
                    out.add(java.util.Arrays.copyOfRange(b, start, end));
                    start = -1;
                }
                if (c == ']') {
                    break;
                }
            }
        }
        return out;
    }

    /** The value parsed into nodes. */
    public JsonNode node() {
        return MAPPER.readTree(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawJson r && node().equals(r.node());
    }

    @Override
    public int hashCode() {
        return node().hashCode();
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static final class Writer extends ValueSerializer<RawJson> {
        @Override
        public void serialize(RawJson value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeRawValue(new String(value.bytes(), StandardCharsets.UTF_8));
        }
    }

    static final class Reader extends ValueDeserializer<RawJson> {
        @Override
        public RawJson deserialize(JsonParser p, DeserializationContext ctxt) {
            byte[] frame = FRAME.get();
            long start = p.currentTokenLocation().getByteOffset();
            if (frame != null && p.currentToken() != null && p.currentToken().isStructStart()
                    && start >= 0 && start < frame.length && (frame[(int) start] == '[' || frame[(int) start] == '{')) {
                p.skipChildren();
                long end = p.currentLocation().getByteOffset();
                if (end <= start || end > frame.length) {
                    throw new IllegalStateException("cannot cut a JSON value out of its frame at " + start + ".." + end);
                }
                return new RawJson(java.util.Arrays.copyOfRange(frame, (int) start, (int) end));
            }
            return RawJson.of(ctxt.readTree(p)); // not read from a frame: through nodes
        }
    }
}
