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
    private static final JsonToken[] TOKENS = JsonToken.values();
    /** Each element's token kind, as the ordinal of its {@link JsonToken}. */
    private final byte[] kinds;
    private final int size;
    private final boolean array;

    private Items(byte[] json, int[] starts, byte[] kinds, int size, boolean array) {
        this.json = json;
        this.starts = starts;
        this.kinds = kinds;
        this.size = size;
        this.array = array;
    }

    /** What a client sent where an array was expected and something else came. */
    public static Items notAnArray() {
        return new Items(new byte[0], new int[] {0}, new byte[0], 0, false);
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
        byte[] kinds = new byte[64];
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
            kinds[n] = (byte) t.ordinal();
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

    /** Items read by {@link #scan}, and the index just after the array's closing bracket. */
    public record Scanned(Items items, int end) {
    }

    /**
     * Reads the JSON array that starts at {@code json[from]} without a tokenizer, when every element
     * is a number, a plain string (printable ASCII, no escapes), {@code true}, {@code false} or
     * {@code null} — the items of most maps — some five times faster than {@link #read}. Every
     * element is checked against JSON's grammar; whitespace between elements is dropped. Null when
     * the array holds anything else (nested arrays, objects, escapes, other characters) or is not
     * well formed: then read it with {@link #read}, which also names what is wrong.
     */
    public static Scanned scan(byte[] json, int from) {
        int end = json.length;
        if (from >= end || json[from] != '[') {
            return null;
        }
        byte[] out = new byte[end - from]; // the elements, compacted, never outgrow the text they come from
        int o = 0;
        int[] starts = new int[Math.min(1 << 16, (end - from) / 4 + 2)];
        byte[] kinds = new byte[starts.length];
        int n = 0;
        int at = skipSpace(json, from + 1);
        if (at < end && json[at] == ']') {
            return new Scanned(new Items(new byte[0], new int[] {1}, new byte[0], 0, true), at + 1);
        }
        while (at < end) {
            if (n + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                kinds = Arrays.copyOf(kinds, kinds.length * 2);
            }
            starts[n] = o;
            byte c = json[at];
            byte kind;
            if (c == '-' || c >= '0' && c <= '9') {
                int first = at;
                at = numberEnd(json, at);
                if (at < 0) {
                    return null;
                }
                kind = INT;
                for (int i = first; i < at; i++) {
                    byte d = json[i];
                    out[o++] = d;
                    if (d == '.' || d == 'e' || d == 'E') {
                        kind = FLOAT;
                    }
                }
            } else if (c == '"') {
                out[o++] = c;
                at++;
                byte d;
                while (at < end && (d = json[at]) >= 0x20 && d < 0x7f && d != '"' && d != '\\') {
                    out[o++] = d;
                    at++;
                }
                if (at >= end || json[at] != '"') {
                    return null;
                }
                out[o++] = '"';
                at++;
                kind = STRING;
            } else {
                byte[] word = c == 't' ? TRUE : c == 'f' ? FALSE : c == 'n' ? NULL : null;
                if (word == null || !matches(json, at, word)) {
                    return null;
                }
                System.arraycopy(word, 0, out, o, word.length);
                o += word.length;
                at += word.length;
                kind = (byte) (c == 't' ? JsonToken.VALUE_TRUE : c == 'f' ? JsonToken.VALUE_FALSE : JsonToken.VALUE_NULL).ordinal();
            }
            kinds[n++] = kind;
            at = skipSpace(json, at);
            if (at >= end) {
                return null;
            }
            if (json[at] == ']') {
                starts[n] = o + 1;
                return new Scanned(new Items(out, starts, kinds, n, true), at + 1); // not trimmed: only read by offsets
            }
            if (json[at] != ',') {
                return null;
            }
            out[o++] = ',';
            at = skipSpace(json, at + 1);
        }
        return null;
    }

    private static final byte INT = (byte) JsonToken.VALUE_NUMBER_INT.ordinal();
    private static final byte FLOAT = (byte) JsonToken.VALUE_NUMBER_FLOAT.ordinal();
    private static final byte STRING = (byte) JsonToken.VALUE_STRING.ordinal();

    /** The index after a JSON number starting at {@code at}, or -1 when none is there (or it runs into a letter). */
    private static int numberEnd(byte[] b, int at) {
        int end = b.length;
        if (at < end && b[at] == '-') {
            at++;
        }
        if (at >= end || !digit(b[at])) {
            return -1;
        }
        if (b[at] == '0') {
            at++;
        } else {
            while (at < end && digit(b[at])) {
                at++;
            }
        }
        if (at < end && b[at] == '.') {
            at++;
            if (at >= end || !digit(b[at])) {
                return -1;
            }
            while (at < end && digit(b[at])) {
                at++;
            }
        }
        if (at < end && (b[at] == 'e' || b[at] == 'E')) {
            at++;
            if (at < end && (b[at] == '+' || b[at] == '-')) {
                at++;
            }
            if (at >= end || !digit(b[at])) {
                return -1;
            }
            while (at < end && digit(b[at])) {
                at++;
            }
        }
        return at < end && (b[at] == ',' || b[at] == ']' || space(b[at])) ? at : -1;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Whether {@code b} is JSON whitespace. */
    public static boolean space(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The index of the first byte at or after {@code at} that is not JSON whitespace. */
    public static int skipSpace(byte[] b, int at) {
        while (at < b.length && space(b[at])) {
            at++;
        }
        return at;
    }

    private static boolean matches(byte[] b, int at, byte[] word) {
        return at + word.length <= b.length && Arrays.equals(b, at, at + word.length, word, 0, word.length);
    }

    public boolean isArray() {
        return array;
    }

    public int size() {
        return size;
    }

    /** The token the element starts with: a number, a string, true, false, null, an array or an object. */
    public JsonToken kind(int i) {
        return TOKENS[kinds[i]];
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
