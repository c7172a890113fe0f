package dev.procpool.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Queues and pipes over real HTTP, used by tasks in real worker JVMs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=2", "procpool.queues.max-item-size=1KB"})
@Timeout(180)
class QueueApiTests extends LiveApi {

    @Test
    void theSeedExampleTwoProcessesFillAQueueAndDrainingGivesAllTenNumbers() throws Exception {
        assertThat(post("/api/queues", "{\"name\":\"numbers\"}").status()).isEqualTo(201);
        String squares = startProcess("demo.square_numbers", "[[1,2,3,4,5], {\"$queue\":\"numbers\"}]");
        String cubes = startProcess("demo.cube_numbers", "[[1,2,3,4,5], {\"$queue\":\"numbers\"}]");
        assertThat(join(squares).get("exitcode").intValue()).isZero();
        assertThat(join(cubes).get("exitcode").intValue()).isZero();
        assertThat(send("GET", "/api/queues/numbers", null).json().get("size").intValue()).isEqualTo(10);
        var drained = new ArrayList<Long>();
        post("/api/queues/numbers/drain", null).json().get("items").forEach(n -> drained.add(n.longValue()));
        assertThat(drained).containsExactlyInAnyOrder(1L, 1L, 4L, 8L, 9L, 27L, 16L, 64L, 25L, 125L);
        assertThat(post("/api/queues/numbers/get?timeout=0", null).status()).isEqualTo(204);
    }

    @Test
    void aConsumerKilledWhileBlockedInGetTakesNothingAndTheNextPutReachesAnotherConsumer() throws Exception {
        post("/api/queues", "{\"name\":\"jobs\"}");
        String doomed = startProcess("queue.get", "[{\"$queue\":\"jobs\"}, 60]");
        awaitField("/api/queues/jobs", "waitingGets", 1);
        assertThat(post("/api/processes/" + doomed + "/kill", null).status()).isEqualTo(200);
        assertThat(join(doomed).get("exitcode").intValue()).isEqualTo(-9);
        awaitField("/api/queues/jobs", "waitingGets", 0);
        assertThat(post("/api/queues/jobs/put", "{\"item\":{\"job\":7}}").status()).isEqualTo(204);
        String survivor = startProcess("queue.get", "[{\"$queue\":\"jobs\"}, 30]");
        assertThat(join(survivor).get("result").toString()).isEqualTo("{\"job\":7}");
        assertThat(send("GET", "/api/queues/jobs", null).json().get("size").intValue()).isZero();
    }

    @Test
    void deletingAQueueEndsTheCallsWaitingOnItWithAnError() throws Exception {
        post("/api/queues", "{\"name\":\"doomed\"}");
        String waiting = startProcess("queue.get", "[{\"$queue\":\"doomed\"}, 60]");
        awaitField("/api/queues/doomed", "waitingGets", 1);
        assertThat(send("DELETE", "/api/queues/doomed", null).status()).isEqualTo(204);
        JsonNode ended = join(waiting);
        assertThat(ended.get("exitcode").intValue()).as(ended.toString()).isEqualTo(1);
        assertThat(ended.get("error").get("message").stringValue()).contains("deleted");
    }

    @Test
    void slowConsumersShareTheWorkInsteadOfOneFetchingItAll() throws Exception {
        post("/api/queues", "{\"name\":\"work\"}");
        for (int i = 0; i < 12; i++) {
            post("/api/queues/work/put", "{\"item\":" + i + "}");
        }
        String a = startProcess("queue.work", "[{\"$queue\":\"work\"}, 0.25]");
        String b = startProcess("queue.work", "[{\"$queue\":\"work\"}, 0.25]");
        int takenByA = join(a).get("result").size();
        int takenByB = join(b).get("result").size();
        assertThat(takenByA + takenByB).isEqualTo(12);
        assertThat(Math.min(takenByA, takenByB)).as("a: %d, b: %d", takenByA, takenByB).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aThousandParkedLongPollGetsAreAllAnsweredByAThousandPuts() throws Exception {
        post("/api/queues", "{\"name\":\"many\"}");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        var gets = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 1000; i++) {
            gets.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/queues/many/get?timeout=120"))
                    .timeout(Duration.ofSeconds(150)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        awaitField("/api/queues/many", "waitingGets", 1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(post("/api/queues/many/put", "{\"item\":" + i + "}").status()).isEqualTo(204);
        }
        Set<Integer> received = new HashSet<>();
        for (var g : gets) {
            HttpResponse<String> r = g.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            received.add(new TestHttp.Reply(200, "", r.body()).json().get("item").intValue());
        }
        assertThat(received).hasSize(1000);
        assertThat(send("GET", "/api/queues/many", null).json().get("size").intValue()).isZero();
    }

    @Test
    void workersTalkThroughAQueueAndAPipe() throws Exception {
        post("/api/queues", "{\"name\":\"between\"}");
        String producer = startProcess("queue.produce", "[{\"$queue\":\"between\"}, 10000]");
        String consumer = startProcess("queue.consume", "[{\"$queue\":\"between\"}, 10000]");
        assertThat(join(producer).get("exitcode").intValue()).isZero();
        assertThat(join(consumer).get("result").get("sum").longValue()).isEqualTo(10000L * 9999 / 2);

        String pipe = post("/api/pipes", "{\"duplex\":true}").json().get("id").stringValue();
        String echo = startProcess("pipe.echo", "[{\"$pipe\":\"" + pipe + "\",\"end\":1}]");
        JsonNode ping = join(startProcess("pipe.pingpong", "[{\"$pipe\":\"" + pipe + "\",\"end\":0}, 500]")).get("result");
        assertThat(ping.get("p50_us").doubleValue()).isPositive();
        assertThat(join(echo).get("result").intValue()).isEqualTo(700);
    }

    @Test
    void queueAndPipeSemanticsAndBadInputOverRest() throws Exception {
        post("/api/queues", "{\"name\":\"one\",\"maxsize\":1,\"joinable\":true}");
        assertThat(post("/api/queues/one/put", "{\"item\":\"a\"}").status()).isEqualTo(204);
        TestHttp.assertProblem(post("/api/queues/one/put", "{\"item\":\"b\",\"timeout\":0}"), 409, "queue-full");
        TestHttp.assertProblem(post("/api/queues/one/put", "{\"item\":\"b\",\"timeout\":0.1}"), 409, "queue-full");
        JsonNode info = send("GET", "/api/queues/one", null).json();
        assertThat(info.get("size").intValue()).isEqualTo(1);
        assertThat(info.get("unfinished").intValue()).isEqualTo(1);
        assertThat(post("/api/queues/one/get", null).json().get("item").stringValue()).isEqualTo("a");
        assertThat(post("/api/queues/one/join?timeout=0.1", null).json().get("joined").booleanValue()).isFalse();
        assertThat(post("/api/queues/one/task-done", null).status()).isEqualTo(204);
        assertThat(post("/api/queues/one/join?timeout=1", null).json().get("joined").booleanValue()).isTrue();
        TestHttp.assertProblem(post("/api/queues/one/task-done", null), 409, "queue-state");
        assertThat(post("/api/queues/one/put", "{\"item\":null}").status()).isEqualTo(204);
        assertThat(post("/api/queues/one/drain?max=5", null).body()).isEqualTo("{\"items\":[null]}");

        TestHttp.assertProblem(post("/api/queues", "{\"name\":\"one\"}"), 409, "queue-exists");
        TestHttp.assertProblem(post("/api/queues", "{\"name\":\"a/b\"}"), 400, "invalid-request");
        TestHttp.assertProblem(post("/api/queues", "{\"name\":\"neg\",\"maxsize\":-1}"), 400, "invalid-request");
        TestHttp.assertProblem(post("/api/queues/nope/get?timeout=0", null), 404, "queue-not-found");
        TestHttp.assertProblem(post("/api/queues/one/put", "{}"), 400, "invalid-request");
        TestHttp.assertProblem(post("/api/queues/one/put", "{\"item\":\"" + "x".repeat(2000) + "\"}"), 413, "queue-item-too-large");
        TestHttp.assertProblem(post("/api/queues/one/drain?max=0", null), 400, "invalid-request");
        TestHttp.assertProblem(post("/api/queues/one/get?timeout=-1", null), 400, "invalid-request");
        TestHttp.assertProblem(post("/api/processes", "{\"target\":\"queue.get\",\"args\":[{\"$queue\":\"nope\"}, 1]}"), 400, "invalid-arguments");
        assertThat(send("GET", "/api/queues/one", null).json().get("size").intValue()).isZero();

        String id = post("/api/pipes", "{\"duplex\":false}").json().get("id").stringValue();
        TestHttp.assertProblem(post("/api/pipes/" + id + "/0/send", "{\"item\":1}"), 409, "queue-state");
        assertThat(send("GET", "/api/pipes/" + id + "/0/poll", null).json().get("ready").booleanValue()).isFalse();
        assertThat(post("/api/pipes/" + id + "/1/send", "{\"item\":[1,2]}").status()).isEqualTo(204);
        assertThat(send("GET", "/api/pipes/" + id + "/0/poll?timeout=1", null).json().get("ready").booleanValue()).isTrue();
        assertThat(post("/api/pipes/" + id + "/0/recv?timeout=1", null).body()).isEqualTo("{\"item\":[1,2]}");
        assertThat(post("/api/pipes/" + id + "/0/recv?timeout=0.1", null).status()).isEqualTo(204);
        TestHttp.assertProblem(post("/api/pipes/" + id + "/2/recv", null), 400, "invalid-request");
        assertThat(send("DELETE", "/api/pipes/" + id, null).status()).isEqualTo(204);
        TestHttp.assertProblem(send("GET", "/api/pipes/" + id, null), 404, "shared-not-found");
        assertThat(send("DELETE", "/api/queues/one", null).status()).isEqualTo(204);

        JsonNode api = send("GET", "/v3/api-docs", null).json();
        for (String path : List.of("/api/queues", "/api/queues/{name}", "/api/queues/{name}/put", "/api/queues/{name}/get",
                "/api/queues/{name}/drain", "/api/queues/{name}/task-done", "/api/queues/{name}/join", "/api/pipes", "/api/pipes/{id}",
                "/api/pipes/{id}/{end}/send", "/api/pipes/{id}/{end}/recv", "/api/pipes/{id}/{end}/poll")) {
            assertThat(api.get("paths").has(path)).as(path).isTrue();
        }
    }

    private void awaitField(String path, String field, int value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (send("GET", path, null).json().get(field).intValue() != value) {
            assertThat(System.nanoTime()).as(path + " never had " + field + " = " + value).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
