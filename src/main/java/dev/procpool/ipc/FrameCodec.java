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
        byte[] head = chunkHeads.computeIfAbsent(className + '\n' + target + '\n' + spread, k -> chunkHead(className, target, spread));
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

    private static final byte[] CHUNK_ID = "{\"t\":\"RunChunk\",\"chunkId\":".getBytes(StandardCharsets.US_ASCII);
    /** The part of a RunChunk frame after its id, up to its items, by class, target and spread: a pool uses a few. */
    private final java.util.Map<String, byte[]> chunkHeads = new java.util.concurrent.ConcurrentHashMap<>();

    private byte[] chunkHead(String className, String target, Command.Spread spread) {
        return (",\"className\":" + mapper.writeValueAsString(className) + ",\"target\":" + mapper.writeValueAsString(target)
                + ",\"spread\":\"" + spread.name() + "\",\"items\":[").getBytes(StandardCharsets.UTF_8);
    }

    public Command decodeCommand(byte[] payload) throws ProtocolException {
        try {
            return mapper.readValue(payload, Command.class);
        } catch (JacksonException e) {
            throw new ProtocolException("malformed command frame: " + e.getOriginalMessage(), e);
        }
    }

    public Event decodeEvent(byte[] payload) throws ProtocolException {
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
