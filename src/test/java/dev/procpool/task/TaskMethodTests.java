package dev.procpool.task;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskMethodTests {

    private final TaskCatalog catalog = TaskCatalog.builtins();

    private static JsonNode json(String text) {
        return TaskJson.MAPPER.readTree(text);
    }

    @Test
    void theContractsBuiltInTargetsAreAllThere() {
        assertThat(catalog.names()).contains("demo.worker", "demo.square", "square", "cube", "sleep", "echo",
                "count_primes", "sha256", "fail", "exit");
    }

    @Test
    void signaturesAreListedWithJsonTypesAndWithoutTheContext() {
        TaskMethod worker = catalog.require("demo.worker");
        assertThat(worker.params()).containsExactly(new TaskMethod.Param("num", "integer"));
        assertThat(worker.returns()).isEqualTo("null");
        assertThat(catalog.require("count_primes").params()).extracting(TaskMethod.Param::name).containsExactly("start", "stop");
        assertThat(catalog.require("echo").params()).containsExactly(new TaskMethod.Param("value", "any"));
        assertThat(catalog.require("sha256").returns()).isEqualTo("string");
    }

    @Test
    void positionalAndKeywordArgumentsBindAsInPython() throws Throwable {
        TaskMethod primes = catalog.require("count_primes");
        assertThat(primes.invoke(primes.bind(json("[0, 100]"), null, null))).isEqualTo(25L);
        assertThat(primes.invoke(primes.bind(json("[0]"), json("{\"stop\": 100}"), null))).isEqualTo(25L);
        assertThat(primes.invoke(primes.bind(null, json("{\"stop\": 10, \"start\": 0}"), null))).isEqualTo(4L);
    }

    @Test
    void arityMistakesAreNamedAsPythonNamesThem() {
        TaskMethod square = catalog.require("square");
        assertThatThrownBy(() -> square.validate(json("[1, 2]"), null))
                .isInstanceOf(TaskArgumentException.class).hasMessage("square() takes 1 positional argument but 2 were given");
        assertThatThrownBy(() -> square.validate(null, null))
                .hasMessage("square() missing required argument: 'x'");
        assertThatThrownBy(() -> square.validate(null, json("{\"y\": 1}")))
                .hasMessage("square() got an unexpected keyword argument 'y'");
        assertThatThrownBy(() -> square.validate(json("[1]"), json("{\"x\": 1}")))
                .hasMessage("square() got multiple values for argument 'x'");
        assertThatThrownBy(() -> square.validate(json("{}"), null)).extracting(e -> ((TaskArgumentException) e).field()).isEqualTo("args");
        assertThatThrownBy(() -> square.validate(null, json("[]"))).extracting(e -> ((TaskArgumentException) e).field()).isEqualTo("kwargs");
    }

    @Test
    void typesAreCheckedStrictlyWithoutCoercion() {
        TaskMethod square = catalog.require("square");
        for (String bad : List.of("[\"3\"]", "[1.5]", "[true]", "[null]", "[[1]]", "[99999999999999999999999]")) {
            assertThatThrownBy(() -> square.validate(json(bad), null))
                    .as(bad).isInstanceOf(TaskArgumentException.class).hasMessageContaining("must be integer");
        }
        TaskMethod sha = catalog.require("sha256");
        assertThatThrownBy(() -> sha.validate(json("[\"a\", 2147483648]"), null)).hasMessageContaining("'rounds'");
        assertThatThrownBy(() -> sha.validate(json("[1, 1]"), null)).hasMessageContaining("'text'").hasMessageContaining("string");
        catalog.require("sleep").validate(json("[1]"), null);
        catalog.require("sleep").validate(json("[0.25]"), null);
    }

    @Test
    void aSharedObjectReferenceThatDoesNotExistIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> catalog.require("echo").validate(json("[{\"$queue\": \"q\"}]"), null))
                .isInstanceOf(TaskArgumentException.class).hasMessageContaining("queue \"q\"");
        catalog.require("echo").validate(json("[{\"queue\": \"q\"}]"), null);
    }

    @Test
    void anUnknownTargetListsWhatIsAvailable() {
        assertThatThrownBy(() -> catalog.require("nope"))
                .isInstanceOfSatisfying(UnknownTargetException.class, e -> assertThat(e.available()).contains("echo", "square"));
    }

    @Test
    void builtInsComputeWhatTheContractSays() throws Throwable {
        assertThat(run("cube", "[3]")).isEqualTo(27L);
        assertThat(run("sha256", "[\"abc\", 1]")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(run("count_primes", "[2, 1800000]")).isEqualTo(135_072L);
        assertThatThrownBy(() -> run("fail", "[\"boom\"]")).hasMessage("boom");
        assertThatThrownBy(() -> run("square", "[9223372036854775807]")).isInstanceOf(ArithmeticException.class);
    }

    private Object run(String target, String args) throws Throwable {
        TaskMethod m = catalog.require(target);
        return m.invoke(m.bind(json(args), null, null));
    }
}
