package dev.procpool.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTests {

    private final FrameCodec codec = new FrameCodec();
    private final JsonNodeFactory json = JsonNodeFactory.instance;

    @Test
    void everyCommandSurvivesARoundTripThroughAFrame() throws IOException {
        List<Command> commands = List.of(
                new Command.RunTask(7, "a.B", "square", json.arrayNode().add(3).add("x"), json.objectNode().put("k", 1.5), true),
                new Command.RunTask(8, "a.B", "echo", null, null, false),
                new Command.RunChunk(9, "a.B", "square", Command.Spread.ARGS, json.arrayNode().add(json.arrayNode().add(1))),
                new Command.Ping(42),
                new Command.Shutdown());
        var out = new ByteArrayOutputStream();
        for (Command c : commands) {
            FrameCodec.writeFrame(out, codec.encode(c));
        }
        var in = new ByteArrayInputStream(out.toByteArray());
        for (Command c : commands) {
            assertThat(codec.decodeCommand(FrameCodec.readFrame(in))).isEqualTo(c);
        }
        assertThatThrownBy(() -> FrameCodec.readFrame(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void everyEventSurvivesARoundTripThroughAFrame() throws IOException {
        List<Event> events = List.of(
                new Event.Hello("w1", "s3cret", 4711),
                new Event.Pong(42),
                new Event.TaskStarted(1),
                new Event.TaskProgress(1, 40, 100),
                new Event.TaskDone(1, json.objectNode().put("value", "ü ✓")),
                new Event.TaskFailed(2, new RemoteError("java.lang.RuntimeException", "boom", "trace\n\tat x")),
                new Event.ChunkDone(4, RawJson.of(json.arrayNode().add(1).add(json.objectNode().put("s", "ü]\"")))),
                new Event.ChunkFailed(5, 2, json.arrayNode().add(1).add(4), new RemoteError("java.lang.ArithmeticException", "/ by zero", "t")),
                new Event.Exiting(3));
        var out = new ByteArrayOutputStream();
        for (Event e : events) {
            FrameCodec.writeFrame(out, codec.encode(e));
        }
        var in = new ByteArrayInputStream(out.toByteArray());
        for (Event e : events) {
            Event decoded = codec.decodeEvent(FrameCodec.readFrame(in));
            assertThat(decoded).isEqualTo(e);
        }
    }

    @Test
    void aFrameIsAFourByteBigEndianLengthThenJsonNamingTheRecord() throws IOException {
        var out = new ByteArrayOutputStream();
        FrameCodec.writeFrame(out, codec.encode(new Command.Ping(5)));
        byte[] bytes = out.toByteArray();
        String payload = new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8);
        assertThat(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff))
                .isEqualTo(bytes.length - 4);
        assertThat(payload).contains("\"t\":\"Ping\"").contains("\"seq\":5");
        assertThat(new Event.Hello("w", "secret", 1).toString()).doesNotContain("secret");
    }

    @Test
    void aChunkDoneWrittenStraightIntoItsFrameDecodesAsTheRecordDoes() throws IOException {
        var results = json.arrayNode().add(1).add("ü]\"}").add(json.objectNode().put("k", 2.5)).addNull();
        Event decoded = codec.decodeEvent(codec.encodeChunkDone(12, results));
        assertThat(decoded).isEqualTo(new Event.ChunkDone(12, RawJson.of(results)));
        assertThat(((Event.ChunkDone) decoded).results().node()).isEqualTo(results);
    }

    @Test
    void aLengthBeyondTheLimitIsRefusedBeforeAnythingIsAllocated() {
        byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> FrameCodec.readFrame(new ByteArrayInputStream(huge))).isInstanceOf(ProtocolException.class);
        byte[] negative = {(byte) 0xff, 0, 0, 0};
        assertThatThrownBy(() -> FrameCodec.readFrame(new ByteArrayInputStream(negative))).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aMalformedOrUnknownMessageIsAProtocolError() {
        assertThatThrownBy(() -> codec.decodeCommand("{\"t\":\"Nope\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> codec.decodeEvent("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> codec.decodeCommand("{\"t\":\"Ping\",\"seq\":1,\"extra\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void aRunChunkOfIntegersIsReadByItsLayoutIntoTheNodesATreeParseGives() throws IOException {
        String items = "0,1,-5,2147483647,2147483648,-2147483649,999999999999999999,-0";
        byte[] text = items.getBytes(StandardCharsets.US_ASCII);
        byte[] frame = codec.encodeRunChunk(3, "a.\"B", "sq", Command.Spread.ONE, text, 0, text.length);
        Command.RunChunk fast = codec.runChunk(frame);
        var tree = tools.jackson.databind.json.JsonMapper.builder().build().readTree("[" + items + "]");
        assertThat(fast).isEqualTo(new Command.RunChunk(3, "a.\"B", "sq", Command.Spread.ONE, tree));
        for (int i = 0; i < tree.size(); i++) {
            assertThat(fast.items().get(i).getClass()).as("element %d", i).isEqualTo(tree.get(i).getClass());
        }
        assertThat(codec.decodeCommand(frame)).isEqualTo(fast);
        for (String other : List.of("1.5", "1e3", "\"x\"", "[1]", "1234567890123456789", "01", "-", "1, 2", "true")) {
            byte[] b = ("[" + other + "]").getBytes(StandardCharsets.UTF_8);
            assertThat(FrameCodec.integers(b, 0, b.length)).as(other).isNull();
            byte[] f = codec.encodeRunChunk(4, "a.B", "sq", Command.Spread.ONE, b, 1, b.length - 2);
            if (!other.equals("01") && !other.equals("-")) { // not JSON: refused below
                assertThat(codec.decodeCommand(f)).as(other)
                        .isEqualTo(new Command.RunChunk(4, "a.B", "sq", Command.Spread.ONE, tools.jackson.databind.json.JsonMapper.builder().build().readTree(b)));
            }
        }
        assertThatThrownBy(() -> codec.decodeCommand(codec.encodeRunChunk(4, "a.B", "sq", Command.Spread.ONE, "01".getBytes(), 0, 2)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void aChunkDoneInAnotherLayoutIsDecodedInFullAndABrokenOneIsRefused() throws IOException {
        byte[] reordered = "{\"t\":\"ChunkDone\",\"results\":[1,2],\"chunkId\":3}".getBytes(StandardCharsets.UTF_8);
        assertThat(FrameCodec.chunkDone(reordered)).isNull();
        assertThat(codec.decodeEvent(reordered)).isEqualTo(new Event.ChunkDone(3, RawJson.of(json.arrayNode().add(1).add(2))));
        assertThat(FrameCodec.chunkDone(codec.encodeChunkDone(3, json.arrayNode().add(1)))).isNotNull();
        for (String broken : List.of("{\"t\":\"ChunkDone\",\"chunkId\":3,\"results\":[1,2]", "{\"t\":\"ChunkDone\",\"chunkId\":,\"results\":[1]}")) {
            assertThatThrownBy(() -> codec.decodeEvent(broken.getBytes(StandardCharsets.UTF_8))).as(broken).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void aRawArraySplitsIntoItsElementsAsTextAndAQueueReplyWrittenFromTextDecodes() throws IOException {
        String array = "[1, \"a,]\\\"b\" ,{\"k\":[1,{\"x\":\"}\"}]},null,[ ], -2.5e3]";
        var parts = new RawJson(array.getBytes(StandardCharsets.UTF_8)).elements().stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertThat(parts).containsExactly("1", "\"a,]\\\"b\"", "{\"k\":[1,{\"x\":\"}\"}]}", "null", "[ ]", "-2.5e3");
        assertThat(new RawJson("[]".getBytes(StandardCharsets.UTF_8)).elements()).isEmpty();

        byte[] payload = codec.encodeQueueReply(7, true, List.of("1".getBytes(), "{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8)), null, 3);
        assertThat(codec.decodeCommand(payload)).isEqualTo(new Command.QueueReply(7, true,
                json.arrayNode().add(1).add(json.objectNode().put("a", "ü")), null, 3));
        assertThat(codec.decodeCommand(codec.encodeQueueReply(8, false, null, "full \"x\"", 0)))
                .isEqualTo(new Command.QueueReply(8, false, null, "full \"x\"", 0));
        var request = new Event.QueueRequest(9, "put", "q", 0, RawJson.of(json.arrayNode().add(1).add("two")), -1, 0);
        assertThat(codec.decodeEvent(codec.encode(request))).isEqualTo(request);
    }
}
