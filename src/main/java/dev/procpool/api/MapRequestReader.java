package dev.procpool.api;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import dev.procpool.pool.Items;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the body of a {@code map}, {@code starmap} or {@code imap} call. Its {@code iterable} can
 * hold 100,000 items, and reading them through the tokenizer was a tenth of a map's time; so the
 * body's members are found by a small scanner, the items read by {@link Items#scan} when they are
 * plain scalars, and the other members bound by Jackson as usual. Anything the scanner does not
 * expect — an error, a duplicate, an unusual layout — sends the whole body through Jackson, so
 * errors read exactly as for every other endpoint.
 */
final class MapRequestReader {

    private static final byte[] ITERABLE = "\"iterable\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MapRequestReader() {
    }

    /** The request, or the {@link JacksonException} Jackson gives for the body. */
    static PoolRequests.Map read(byte[] body, JsonMapper mapper) {
        PoolRequests.Map fast = fast(body, mapper);
        return fast != null ? fast : mapper.readValue(body, PoolRequests.Map.class);
    }

    /** The request read member by member; null wherever Jackson should read the whole body instead. */
    static PoolRequests.Map fast(byte[] b, JsonMapper mapper) {
        var envelope = new ByteArrayOutputStream(128);
        envelope.write('{');
        boolean firstMember = true;
        Items items = null;
        int at = Items.skipSpace(b, 0);
        if (at >= b.length || b[at] != '{') {
            return null;
        }
        at = Items.skipSpace(b, at + 1);
        if (at < b.length && b[at] == '}') {
            return null;
        }
        while (true) {
            int nameStart = at;
            int nameEnd = at < b.length && b[at] == '"' ? stringEnd(b, at) : -1;
            if (nameEnd < 0) {
                return null;
            }
            at = Items.skipSpace(b, nameEnd);
            if (at >= b.length || b[at] != ':') {
                return null;
            }
            at = Items.skipSpace(b, at + 1);
            int valueEnd;
            if (Arrays.equals(b, nameStart, nameEnd, ITERABLE, 0, ITERABLE.length)) {
                if (items != null || at >= b.length || b[at] != '[') {
                    return null; // a second iterable, or one that is not an array: Jackson says what it makes of it
                }
                Items.Scanned scanned = Items.scan(b, at);
                if (scanned != null) {
                    items = scanned.items();
                    valueEnd = scanned.end();
                } else {
                    valueEnd = valueEnd(b, at);
                    if (valueEnd < 0) {
                        return null;
                    }
                    items = readItems(b, at, valueEnd, mapper);
                    if (items == null) {
                        return null;
                    }
                }
            } else {
                valueEnd = valueEnd(b, at);
                if (valueEnd < 0) {
                    return null;
                }
                if (!firstMember) {
                    envelope.write(',');
                }
                firstMember = false;
                envelope.write(b, nameStart, valueEnd - nameStart);
            }
            at = Items.skipSpace(b, valueEnd);
            if (at < b.length && b[at] == ',') {
                at = Items.skipSpace(b, at + 1);
            } else if (at < b.length && b[at] == '}') {
                break;
            } else {
                return null;
            }
        }
        if (items == null || Items.skipSpace(b, at + 1) != b.length) {
            return null;
        }
        envelope.write('}');
        try {
            PoolRequests.Map rest = mapper.readValue(envelope.toByteArray(), PoolRequests.Map.class);
            return new PoolRequests.Map(rest.target(), items, rest.chunksize(), rest.timeout(), rest.callback());
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Items that are not plain scalars (a starmap's lists), through the tokenizer; null if they are not valid JSON. */
    private static Items readItems(byte[] b, int from, int to, JsonMapper mapper) {
        try (JsonParser p = mapper.createParser(b, from, to - from)) {
            p.nextToken();
            Items items = Items.read(p);
            return p.nextToken() == null ? items : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The index after the JSON string starting at {@code b[at]}, or -1. */
    private static int stringEnd(byte[] b, int at) {
        for (int i = at + 1; i < b.length; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The index after the value starting at {@code b[at]}: a string, an array or object (brackets
     * counted outside strings), or a literal up to the next separator. Only where the value ends is
     * found here; Jackson checks what it is. -1 when it does not end.
     */
    private static int valueEnd(byte[] b, int at) {
        if (at >= b.length) {
            return -1;
        }
        byte c = b[at];
        if (c == '"') {
            return stringEnd(b, at);
        }
        if (c == '[' || c == '{') {
            int depth = 0;
            for (int i = at; i < b.length; i++) {
                byte x = b[i];
                if (x == '"') {
                    i = stringEnd(b, i) - 1;
                    if (i < 0) {
                        return -1;
                    }
                } else if (x == '[' || x == '{') {
                    depth++;
                } else if ((x == ']' || x == '}') && --depth == 0) {
                    return i + 1;
                }
            }
            return -1;
        }
        int i = at;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && !Items.space(b[i])) {
            i++;
        }
        return i > at ? i : -1;
    }
}
