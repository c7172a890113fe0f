package dev.procpool.pool;

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
}
