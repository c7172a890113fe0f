package dev.procpool.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import dev.procpool.pool.Items;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The map body reader must read every body exactly as Jackson reads it, and take its fast path for the usual ones. */
class MapRequestReaderTests {

    private static final List<JsonMapper> MAPPERS = List.of(
            JsonMapper.builder().build(),
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

    /** Bodies the fast path reads itself. */
    private static final List<String> USUAL = List.of(
            "{\"target\":\"square\",\"iterable\":[0,1,2,3]}",
            "{\"target\": \"square\", \"iterable\": [0, 1, 2, 3], \"chunksize\": 2}",
            "{\n  \"iterable\" : [ -1 , 2.5e3 , \"a b\" , true , false , null ] ,\n  \"target\" : \"demo.square\"\n}\n",
            "{\"target\":\"square\",\"iterable\":[],\"timeout\":1.5,\"callback\":\"http://localhost:1/x\"}",
            "{\"target\":\"count_primes\",\"iterable\":[[2,100],[100,200]],\"chunksize\":1}",
            "{\"target\":\"sha\\u0032\",\"iterable\":[{\"k\":\"}]\\\"\"}, [\"ü\"]]}");

    /** Bodies the fast path leaves to Jackson: errors, odd layouts, an iterable that is not an array. */
    private static final List<String> UNUSUAL = List.of(
            "", " ", "[]", "{}", "null", "{\"target\":\"square\"}",
            "{\"target\":\"square\",\"iterable\":5}",
            "{\"target\":\"square\",\"iterable\":null}",
            "{\"target\":\"square\",\"iterable\":[1,,2]}",
            "{\"target\":\"square\",\"iterable\":[1,2,]}",
            "{\"target\":\"square\",\"iterable\":[01]}",
            "{\"target\":\"square\",\"iterable\":[1 2]}",
            "{\"target\":\"square\",\"iterable\":[tru]}",
            "{\"target\":\"square\",\"iterable\":[NaN]}",
            "{\"target\":\"square\",\"iterable\":[\"a\\\"b\", 1]}",
            "{\"target\":\"square\",\"iterable\":[1,2]",
            "{\"target\":\"square\",\"iterable\":[1,2]} x",
            "{\"target\":\"square\",\"iterable\":[1],\"iterable\":[2]}",
            "{\"target\":\"square\" \"iterable\":[1]}",
            "{\"target\":square,\"iterable\":[1]}",
            "{\"target\":\"square\",\"iterable\":[1],\"chunksize\":\"2\"}",
            "{\"target\":\"square\",\"iterable\":[1],\"chunksize\":1.5}",
            "{target:\"square\",\"iterable\":[1]}",
            "{\"target\":\"square\",\"iterable\":[[1,2]",
            "{\"target\":\"square\",\"iterable\":[1,2],\"extra\":{\"a\":[1,{\"b\":\"]\"}]}}");

    @Test
    void readsTheUsualBodiesItselfAndAsJacksonDoes() {
        for (JsonMapper mapper : MAPPERS) {
            for (String body : USUAL) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                assertThat(MapRequestReader.fast(bytes, mapper)).as(body).isNotNull();
                assertSameAsJackson(bytes, mapper);
            }
        }
    }

    @Test
    void leavesEverythingElseToJacksonWithItsAnswerOrError() {
        for (JsonMapper mapper : MAPPERS) {
            for (String body : UNUSUAL) {
                assertSameAsJackson(body.getBytes(StandardCharsets.UTF_8), mapper);
            }
        }
    }

    @Test
    void agreesWithJacksonOnGeneratedItems() {
        var random = new Random(7);
        String[] scalars = {"0", "-0", "7", "-12", "2147483648", "1.5", "-0.25e-3", "1E9", "\"\"", "\"x y\"", "\"ü\"", "\"a\\nb\"",
            "true", "false", "null", "[]", "[1, [2]]", "{\"k\": 1}", "00", "1.", ".5", "-", "+1", "1e", "\"", ",", "]", "tru"};
        String[] spaces = {"", "", "", " ", "\n", "\t ", "\r\n"};
        for (int n = 0; n < 3000; n++) {
            var sb = new StringBuilder("{\"target\":\"t\",\"iterable\":[");
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                sb.append(i > 0 ? "," : "").append(spaces[random.nextInt(spaces.length)])
                        .append(scalars[random.nextInt(scalars.length)]).append(spaces[random.nextInt(spaces.length)]);
            }
            sb.append("]}");
            assertSameAsJackson(sb.toString().getBytes(StandardCharsets.UTF_8), MAPPERS.getFirst());
        }
    }

    private static void assertSameAsJackson(byte[] body, JsonMapper mapper) {
        String what = new String(body, StandardCharsets.UTF_8);
        PoolRequests.Map expected = null;
        JacksonException expectedError = null;
        try {
            expected = mapper.readValue(body, PoolRequests.Map.class);
        } catch (JacksonException e) {
            expectedError = e;
        }
        PoolRequests.Map actual = null;
        JacksonException actualError = null;
        try {
            actual = MapRequestReader.read(body, mapper);
        } catch (JacksonException e) {
            actualError = e;
        }
        if (expectedError != null) {
            assertThat(actualError).as(what).isNotNull();
            assertThat(actualError.getOriginalMessage()).as(what).isEqualTo(expectedError.getOriginalMessage());
            return;
        }
        assertThat(actualError).as(what).isNull();
        if (expected == null) {
            assertThat(actual).as(what).isNull();
            return;
        }
        assertThat(actual.target()).as(what).isEqualTo(expected.target());
        assertThat(actual.chunksize()).as(what).isEqualTo(expected.chunksize());
        assertThat(actual.timeout()).as(what).isEqualTo(expected.timeout());
        assertThat(actual.callback()).as(what).isEqualTo(expected.callback());
        assertSameItems(actual.iterable(), expected.iterable(), what);
    }

    static void assertSameItems(Items actual, Items expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
            return;
        }
        assertThat(actual.isArray()).as(what).isEqualTo(expected.isArray());
        assertThat(actual.size()).as(what).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.kind(i)).as(what + " [" + i + "]").isEqualTo(expected.kind(i));
            assertThat(actual.node(i)).as(what + " [" + i + "]").isEqualTo(expected.node(i));
            assertThat(actual.text(i)).as(what + " [" + i + "]").isEqualTo(expected.text(i));
        }
    }
}
