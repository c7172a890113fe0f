package dev.procpool.ipc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
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
        var out = new java.io.ByteArrayOutputStream(length + 256);
        out.writeBytes(("{\"t\":\"RunChunk\",\"chunkId\":" + chunkId + ",\"className\":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(mapper.writeValueAsBytes(className));
        out.writeBytes(",\"target\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(mapper.writeValueAsBytes(target));
        out.writeBytes((",\"spread\":\"" + spread.name() + "\",\"items\":[").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.write(items, offset, length);
        out.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    public Command decodeCommand(byte[] payload) throws ProtocolException {
        try {
            return mapper.readValue(payload, Command.class);
        } catch (JacksonException e) {
            throw new ProtocolException("malformed command frame: " + e.getOriginalMessage(), e);
        }
    }

    public Event decodeEvent(byte[] payload) throws ProtocolException {
        try {
            return mapper.readValue(payload, Event.class);
        } catch (JacksonException e) {
            throw new ProtocolException("malformed event frame: " + e.getOriginalMessage(), e);
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
