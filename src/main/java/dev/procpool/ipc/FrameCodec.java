package dev.procpool.ipc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Length-prefixed frames of JSON-encoded {@link Command}s and {@link Event}s.
 *
 * <pre>
 * frame   = length payload
 * length  = 4 bytes, big-endian, unsigned byte count of payload (1 .. MAX_FRAME_BYTES)
 * payload = UTF-8 JSON object; member "t" names the record, the others are its components
 * </pre>
 *
 * No Java serialization; an unknown {@code "t"} or a malformed payload is a {@link ProtocolException}.
 */
public final class FrameCodec {

    /** The largest payload either side accepts; a larger length prefix closes the connection. */
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] encode(Command command) {
        return mapper.writerFor(Command.class).writeValueAsBytes(command);
    }

    public byte[] encode(Event event) {
        return mapper.writerFor(Event.class).writeValueAsBytes(event);
    }

    /**
     * A {@link Command.RunChunk} frame payload whose {@code items} are JSON text the caller already
     * has ({@code length} bytes at {@code offset}: elements separated by commas, no brackets), copied
     * as they are instead of being built into nodes and written again. Decodes like any RunChunk.
     */
    public byte[] encodeRunChunk(long chunkId, String className, String target, Command.Spread spread,
                                 byte[] items, int offset, int length) {
        return encodeRunChunk(chunkId, className, target, spread, java.util.Map.of(), items, offset, length);
    }

    /** As {@link #encodeRunChunk(long, String, String, Command.Spread, byte[], int, int)}, with the chunk's shared-object references. */
    public byte[] encodeRunChunk(long chunkId, String className, String target, Command.Spread spread,
                                 java.util.Map<String, String> refs, byte[] items, int offset, int length) {
        byte[] head = refs.isEmpty()
                ? chunkHeads.computeIfAbsent(className + '\n' + target + '\n' + spread, k -> chunkHead(className, target, spread, ""))
                : chunkHead(className, target, spread, ",\"refs\":" + mapper.writeValueAsString(refs));
        byte[] id = Long.toString(chunkId).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[CHUNK_ID.length + id.length + head.length + length + 2];
        int at = 0;
        System.arraycopy(CHUNK_ID, 0, out, at, CHUNK_ID.length);
        at += CHUNK_ID.length;
        System.arraycopy(id, 0, out, at, id.length);
        at += id.length;
        System.arraycopy(head, 0, out, at, head.length);
        at += head.length;
        System.arraycopy(items, offset, out, at, length);
        at += length;
        out[at++] = ']';
        out[at] = '}';
        return out;
    }

    /**
     * A {@link Event.ChunkDone} frame payload, its results written once, straight into the frame
     * (not first into a {@link RawJson}). Decodes like any ChunkDone.
     */
    public byte[] encodeChunkDone(long chunkId, JsonNode results) {
        byte[] head = ("{\"t\":\"ChunkDone\",\"chunkId\":" + chunkId + ",\"results\":").getBytes(StandardCharsets.US_ASCII);
        byte[] body = mapper.writeValueAsBytes(results);
        byte[] out = Arrays.copyOf(head, head.length + body.length + 1);
        System.arraycopy(body, 0, out, head.length, body.length);
        out[out.length - 1] = '}';
        return out;
    }

    /**
     * A {@link Command.QueueReply} frame payload with items that are already JSON text (a queue's
     * items as stored), copied as they are. Decodes like any QueueReply.
     */
    public byte[] encodeQueueReply(long requestId, boolean ok, java.util.List<byte[]> items, String error, long size) {
        var out = new java.io.ByteArrayOutputStream(64 + (items == null ? 0 : items.size() * 8));
        out.writeBytes(("{\"t\":\"QueueReply\",\"requestId\":" + requestId + ",\"ok\":" + ok + ",\"items\":").getBytes(StandardCharsets.US_ASCII));
        if (items == null || items.isEmpty()) {
            out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(items.get(i));
            }
            out.write(']');
        }
        out.writeBytes((",\"error\":" + mapper.writeValueAsString(error) + ",\"size\":" + size + "}").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static final byte[] CHUNK_DONE_HEAD = "{\"t\":\"ChunkDone\",\"chunkId\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULTS_MEMBER = ",\"results\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * A payload laid out as {@link #encodeChunkDone} writes it, read by that layout: the results
     * are the bytes between {@code "results":} and the closing brace, cut out without tokenizing
     * 12,500 numbers (which took ~0.7 ms a chunk, on the manager's side of every map). They come
     * from an authenticated worker's Jackson writer and are parsed only if someone reads one
     * result alone. Null when the payload has any other layout; it is then decoded in full.
     */
    static Event.ChunkDone chunkDone(byte[] p) {
        if (!Arrays.equals(p, 0, Math.min(p.length, CHUNK_DONE_HEAD.length), CHUNK_DONE_HEAD, 0, CHUNK_DONE_HEAD.length)) {
            return null;
        }
        int at = CHUNK_DONE_HEAD.length;
        long id = 0;
        int digits = 0;
        for (; at < p.length && p[at] >= '0' && p[at] <= '9' && digits < 18; at++, digits++) {
            id = id * 10 + (p[at] - '0');
        }
        int start = at + RESULTS_MEMBER.length;
        int end = p.length - 1;
        if (digits == 0 || start + 2 > end
                || !Arrays.equals(p, at, start, RESULTS_MEMBER, 0, RESULTS_MEMBER.length)
                || p[start] != '[' || p[end - 1] != ']' || p[end] != '}') {
            return null;
        }
        return new Event.ChunkDone(id, new RawJson(Arrays.copyOfRange(p, start, end)));
    }

    private static final byte[] RUN_CHUNK_HEAD = "{\"t\":\"RunChunk\",".getBytes(StandardCharsets.US_ASCII);

    /**
     * A payload laid out as {@link #encodeRunChunk} writes it (items last): its members read with a
     * streaming parser, its items, when they are all plain integers (a map over numbers), read by
     * {@link #integers} into the same nodes a tree parse gives, some four times faster; any other
     * items through the tree parser. Null when the payload has any other layout; it is then decoded
     * in full.
     */
    Command.RunChunk runChunk(byte[] p) {
        if (!Arrays.equals(p, 0, Math.min(p.length, RUN_CHUNK_HEAD.length), RUN_CHUNK_HEAD, 0, RUN_CHUNK_HEAD.length)
                || p.length < 4 || p[p.length - 1] != '}' || p[p.length - 2] != ']') {
            return null;
        }
        Long chunkId = null;
        String className = null;
        String target = null;
        Command.Spread spread = null;
        java.util.Map<String, String> refs = java.util.Map.of();
        try (tools.jackson.core.JsonParser parser = mapper.createParser(p)) {
            parser.nextToken();
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                tools.jackson.core.JsonToken value = parser.nextToken();
                switch (name) {
                    case "t" -> { }
                    case "chunkId" -> chunkId = value == tools.jackson.core.JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : null;
                    case "className" -> className = parser.getValueAsString();
                    case "target" -> target = parser.getValueAsString();
                    case "spread" -> spread = Command.Spread.valueOf(parser.getValueAsString());
                    case "refs" -> refs = mapper.readValue(parser, new tools.jackson.core.type.TypeReference<java.util.Map<String, String>>() { });
                    case "items" -> {
                        long start = parser.currentTokenLocation().getByteOffset();
                        if (value != tools.jackson.core.JsonToken.START_ARRAY || chunkId == null || className == null
                                || target == null || spread == null || start <= 0 || p[(int) start] != '[') {
                            return null;
                        }
                        int from = (int) start;
                        int to = p.length - 1; // the items' closing bracket is the byte before the last brace
                        JsonNode items = integers(p, from, to);
                        if (items == null) {
                            items = mapper.readTree(p, from, to - from);
                        }
                        return new Command.RunChunk(chunkId, className, target, spread, refs, items);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null; // decoded in full, which names what is wrong
        }
    }

    /**
     * The JSON array {@code p[from..to)} when it holds only integers of up to 18 digits, written
     * compactly, as the nodes Jackson's tree parser makes of them (int-sized as {@code IntNode},
     * others as {@code LongNode}); null for anything else.
     */
    static JsonNode integers(byte[] p, int from, int to) {
        if (to - from < 2 || p[from] != '[' || p[to - 1] != ']') {
            return null;
        }
        var nodes = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode((to - from) / 4);
        int at = from + 1;
        int end = to - 1;
        if (at == end) {
            return nodes;
        }
        while (true) {
            boolean negative = at < end && p[at] == '-';
            if (negative) {
                at++;
            }
            int first = at;
            long v = 0;
            for (; at < end && p[at] >= '0' && p[at] <= '9'; at++) {
                v = v * 10 + (p[at] - '0');
            }
            int digits = at - first;
            if (digits == 0 || digits > 18 || digits > 1 && p[first] == '0') {
                return null;
            }
            if (negative) {
                v = -v;
            }
            nodes.add(v == (int) v ? tools.jackson.databind.node.IntNode.valueOf((int) v) : tools.jackson.databind.node.LongNode.valueOf(v));
            if (at == end) {
                return nodes;
            }
            if (p[at] != ',') {
                return null;
            }
            at++;
        }
    }

    private static final byte[] CHUNK_ID = "{\"t\":\"RunChunk\",\"chunkId\":".getBytes(StandardCharsets.US_ASCII);
    /** The part of a RunChunk frame after its id, up to its items, by class, target and spread: a pool uses a few. */
    private final java.util.Map<String, byte[]> chunkHeads = new java.util.concurrent.ConcurrentHashMap<>();

    private byte[] chunkHead(String className, String target, Command.Spread spread, String refs) {
        return (",\"className\":" + mapper.writeValueAsString(className) + ",\"target\":" + mapper.writeValueAsString(target)
                + ",\"spread\":\"" + spread.name() + "\"" + refs + ",\"items\":[").getBytes(StandardCharsets.UTF_8);
    }

    public Command decodeCommand(byte[] payload) throws ProtocolException {
        Command.RunChunk chunk = runChunk(payload);
        if (chunk != null) {
            return chunk;
        }
        try {
            return mapper.readValue(payload, Command.class);
        } catch (JacksonException e) {
            throw new ProtocolException("malformed command frame: " + e.getOriginalMessage(), e);
        }
    }

    public Event decodeEvent(byte[] payload) throws ProtocolException {
        Event.ChunkDone done = chunkDone(payload);
        if (done != null) {
            return done;
        }
        RawJson.FRAME.set(payload);
        try {
            return mapper.readValue(payload, Event.class);
        } catch (JacksonException e) {
            throw new ProtocolException("malformed event frame: " + e.getOriginalMessage(), e);
        } finally {
            RawJson.FRAME.remove();
        }
    }

    /** Writes one frame; the caller serialises concurrent writers and flushes. */
    public static void writeFrame(OutputStream out, byte[] payload) throws IOException {
        if (payload.length == 0 || payload.length > MAX_FRAME_BYTES) {
            throw new ProtocolException("frame of " + payload.length + " bytes is outside 1.." + MAX_FRAME_BYTES);
        }
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(payload);
    }

    /** Reads one frame's payload; {@link EOFException} when the stream ends cleanly before a frame. */
    public static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int n = data.readInt();
        if (n <= 0 || n > MAX_FRAME_BYTES) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(n) + " is outside 1.." + MAX_FRAME_BYTES);
        }
        byte[] payload = new byte[n];
        data.readFully(payload);
        return payload;
    }
}
