package dev.procpool.pool;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import dev.procpool.task.TaskJson;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The items of a {@code map}, kept as the JSON text the client sent, element by element, with
 * each element's token kind. Chunks are cut from the text and sent to workers as they are, so a
 * 100,000-item map is neither built into a tree of nodes nor written out again; an element is
 * parsed into a node only where a check needs more than its kind.
 */
public final class Items {

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final byte[] json;
    private final int[] starts;
    private final JsonToken[] kinds;
    private final int size;
    private final boolean array;

    private Items(byte[] json, int[] starts, JsonToken[] kinds, int size, boolean array) {
        this.json = json;
        this.starts = starts;
        this.kinds = kinds;
        this.size = size;
        this.array = array;
    }

    /** What a client sent where an array was expected and something else came. */
    public static Items notAnArray() {
        return new Items(new byte[0], new int[] {0}, new JsonToken[0], 0, false);
    }

    /** The elements of a JSON array tree. */
    public static Items of(JsonNode array) {
        if (array == null || !array.isArray()) {
            return notAnArray();
        }
        try (JsonParser p = TaskJson.MAPPER.createParser(TaskJson.MAPPER.writeValueAsBytes(array))) {
            p.nextToken();
            return read(p);
        }
    }

    /** Reads the array at the parser's current {@code START_ARRAY} token, leaving it at the matching {@code END_ARRAY}. */
    public static Items read(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return notAnArray();
        }
        var buf = new Buffer();
        int[] starts = new int[64];
        JsonToken[] kinds = new JsonToken[64];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (n + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                kinds = Arrays.copyOf(kinds, kinds.length * 2);
            }
            if (n > 0) {
                buf.writeComma();
            }
            starts[n] = buf.size();
            kinds[n] = t;
            switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> buf.writeAscii(p.getStringCharacters(), p.getStringOffset(), p.getStringLength());
                case VALUE_TRUE -> buf.writeBytes(TRUE);
                case VALUE_FALSE -> buf.writeBytes(FALSE);
                case VALUE_NULL -> buf.writeBytes(NULL);
                default -> {
                    try (JsonGenerator g = TaskJson.MAPPER.createGenerator(buf)) {
                        g.copyCurrentStructure(p);
                    }
                }
            }
            n++;
        }
        starts[n] = buf.size() + 1; // as if a separator followed the last element
        return new Items(buf.toByteArray(), starts, kinds, n, true);
    }

    public boolean isArray() {
        return array;
    }

    public int size() {
        return size;
    }

    /** The token the element starts with: a number, a string, true, false, null, an array or an object. */
    public JsonToken kind(int i) {
        return kinds[i];
    }

    /** The element as JSON text (ASCII for numbers). */
    public String text(int i) {
        return new String(json, starts[i], starts[i + 1] - 1 - starts[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The element parsed into a node. */
    public JsonNode node(int i) {
        return TaskJson.MAPPER.readTree(json, starts[i], starts[i + 1] - 1 - starts[i]);
    }

    /** The length of the element's JSON text in bytes. */
    public int length(int i) {
        return starts[i + 1] - 1 - starts[i];
    }

    /** The JSON text all elements are cut from; elements {@code from..to-1} are {@code a,b,c} at {@link #offset}. */
    byte[] bytes() {
        return json;
    }

    int offset(int from) {
        return starts[from];
    }

    /** Bytes of elements {@code from} to {@code to} (exclusive) with the commas between them. */
    int length(int from, int to) {
        return from < to ? starts[to] - 1 - starts[from] : 0;
    }

    /**
     * A byte buffer that also takes ASCII characters; its own writes skip the locking of
     * {@link ByteArrayOutputStream}'s, which is measurable at one call per item.
     */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(8192);
        }

        void writeComma() {
            ensure(count + 1);
            buf[count++] = ',';
        }

        @Override
        public void writeBytes(byte[] bytes) {
            ensure(count + bytes.length);
            System.arraycopy(bytes, 0, buf, count, bytes.length);
            count += bytes.length;
        }

        void writeAscii(char[] chars, int offset, int length) {
            ensure(count + length);
            for (int i = 0; i < length; i++) {
                buf[count++] = (byte) chars[offset + i];
            }
        }

        private void ensure(int capacity) {
            if (capacity > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
            }
        }
    }
}
