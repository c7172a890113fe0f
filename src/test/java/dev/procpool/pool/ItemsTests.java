package dev.procpool.pool;

import java.util.List;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.task.TaskJson;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class ItemsTests {

    private static final String ARRAY = "[1, -2, 3.5e2, \"a\\\"b ü\", true, false, null, [1, [2]], {\"k\": \"v\"}, 12345678901234567890]";

    @Test
    void keepsEachElementsTextAndKind() {
        Items items = Items.of(TaskJson.MAPPER.readTree(ARRAY));
        JsonNode tree = TaskJson.MAPPER.readTree(ARRAY);
        assertThat(items.isArray()).isTrue();
        assertThat(items.size()).isEqualTo(10);
        for (int i = 0; i < tree.size(); i++) {
            assertThat(items.node(i)).as("element %d", i).isEqualTo(tree.get(i));
        }
        assertThat(items.kind(0)).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThat(items.kind(2)).isEqualTo(JsonToken.VALUE_NUMBER_FLOAT);
        assertThat(items.kind(3)).isEqualTo(JsonToken.VALUE_STRING);
        assertThat(items.kind(7)).isEqualTo(JsonToken.START_ARRAY);
        assertThat(items.text(1)).isEqualTo("-2");
        assertThat(items.length(9)).isEqualTo(20);
        assertThat(Items.of(TaskJson.MAPPER.readTree("{}")).isArray()).isFalse();
        assertThat(Items.of(TaskJson.MAPPER.readTree("[]")).size()).isZero();
    }

    @Test
    void aChunkCutFromTheTextDecodesAsTheSameRunChunk() throws Exception {
        Items items = Items.of(TaskJson.MAPPER.readTree(ARRAY));
        JsonNode tree = TaskJson.MAPPER.readTree(ARRAY);
        var codec = new FrameCodec();
        for (int from = 0; from <= items.size(); from++) {
            for (int to = from; to <= items.size(); to++) {
                byte[] frame = codec.encodeRunChunk(7, "a.\"B", "t\\x", Command.Spread.ONE, items.bytes(), items.offset(Math.min(from, items.size() - 1)),
                        items.length(from, to));
                var slice = TaskJson.MAPPER.createArrayNode();
                for (int i = from; i < to; i++) {
                    slice.add(tree.get(i));
                }
                assertThat(codec.decodeCommand(frame)).as("[%d, %d)", from, to)
                        .isEqualTo(new Command.RunChunk(7, "a.\"B", "t\\x", Command.Spread.ONE, slice));
            }
        }
    }

    @Test
    void aScanReadsPlainScalarsAsTheTokenizerDoesAndSaysWhereTheArrayEnds() {
        String scalars = "[ 1,-2 , 3.5e2,-0.0E-1, \"a b\" ,\"\",true,false,null,0,2147483648 ]";
        byte[] text = ("{\"x\":" + scalars + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Items.Scanned scanned = Items.scan(text, 5);
        Items read;
        try (var parser = TaskJson.MAPPER.createParser(scalars)) {
            parser.nextToken();
            read = Items.read(parser);
        }
        assertThat(scanned).isNotNull();
        assertThat(scanned.end()).isEqualTo(text.length - 1);
        assertThat(scanned.items().size()).isEqualTo(read.size());
        for (int i = 0; i < read.size(); i++) {
            assertThat(scanned.items().kind(i)).as("kind %d", i).isEqualTo(read.kind(i));
            assertThat(scanned.items().text(i)).as("text %d", i).isEqualTo(read.text(i));
            assertThat(scanned.items().length(i)).as("length %d", i).isEqualTo(read.length(i));
        }
        assertThat(scanned.items().length(0, read.size())).isEqualTo(read.length(0, read.size()));
        assertThat(Items.scan("[]".getBytes(), 0).items().size()).isZero();
        assertThat(Items.scan("[ ]".getBytes(), 0).end()).isEqualTo(3);
    }

    @Test
    void aScanGivesUpOnAnythingButWellFormedPlainScalars() {
        for (String text : List.of("[[1]]", "[{}]", "[\"a\\\"b\"]", "[\"ü\"]", "[\"tab\there\"]", "[01]", "[1.]", "[.5]", "[-]",
                "[+1]", "[1e]", "[1e+]", "[1,]", "[,1]", "[1 2]", "[tru]", "[nul]", "[truex]", "[NaN]", "[1", "[\"a", "", "x")) {
            assertThat(Items.scan(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0)).as(text).isNull();
        }
    }
}
