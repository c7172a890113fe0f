package dev.procpool.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Pools over real HTTP on real worker JVMs: the seed example, async results, streaming, failures. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1"})
@Timeout(180)
class PoolApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    record Reply(int status, String contentType, String location, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Reply send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(90));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Location").orElse(null), r.body());
    }

    Reply post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    void awaitIdle(String pool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (get("/api/pools/" + pool).json().get("workers").findValuesAsString("state").stream().allMatch("idle"::equals)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pool " + pool + " did not get its workers: " + get("/api/pools/" + pool).body());
    }

    @Test
    void theSeedExampleMapsDemoSquareOverFourProcessesAndApplyAsyncGives100() throws Exception {
        Reply created = post("/api/pools", "{\"name\":\"seed\",\"processes\":4}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/api/pools/seed");
        try {
            awaitIdle("seed");
            long t0 = System.nanoTime();
            Reply map = post("/api/pools/seed/map", "{\"target\":\"demo.square\",\"iterable\":[0,1,2,3,4,5,6,7,8,9]}");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(map.status()).as(map.body()).isEqualTo(200);
            assertThat(map.json().get("value").toString()).isEqualTo("[0,1,4,9,16,25,36,49,64,81]");
            assertThat(took).as("three rounds of 0.5 s on four workers").isLessThan(Duration.ofSeconds(5));

            Reply async = post("/api/pools/seed/apply-async", "{\"target\":\"demo.square\",\"args\":[10]}");
            assertThat(async.status()).isEqualTo(202);
            assertThat(async.location()).startsWith("/api/results/");
            JsonNode result = get(async.location() + "?wait=10").json();
            assertThat(result.get("ready").booleanValue()).isTrue();
            assertThat(result.get("successful").booleanValue()).isTrue();
            assertThat(result.get("value").longValue()).isEqualTo(100);
            assertThat(result.get("progress").toString()).isEqualTo("{\"done\":1,\"total\":1}");

            JsonNode pool = get("/api/pools/seed").json();
            assertThat(pool.get("processes").intValue()).isEqualTo(4);
            assertThat(pool.get("completed").longValue()).isEqualTo(11);
            assertThat(pool.get("workers")).hasSize(4);
            assertThat(pool.get("workers").findValues("tasksDone").stream().mapToLong(JsonNode::longValue).sum()).isEqualTo(11);
        } finally {
            send("DELETE", "/api/pools/seed", null);
        }
    }

    @Test
    void imapStreamsEachResultAsItIsReady() throws Exception {
        awaitIdle("default");
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/pools/default/imap"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"sleep\",\"iterable\":[0.05, 0.05, 2.5]}")).build();
        HttpResponse<Stream<String>> response = http.send(r, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<String> lines = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        response.body().forEach(line -> {
            lines.add(line);
            at.add(System.nanoTime());
        });
        assertThat(lines).containsExactly("{\"index\":0,\"value\":0.05}", "{\"index\":1,\"value\":0.05}", "{\"index\":2,\"value\":2.5}");
        assertThat(Duration.ofNanos(at.get(2) - at.get(0))).as("the first line came before the last task finished")
                .isGreaterThan(Duration.ofSeconds(1));

        Reply unordered = post("/api/pools/default/imap-unordered", "{\"target\":\"sleep\",\"iterable\":[0.8, 0.05]}");
        assertThat(unordered.body().lines().toList()).containsExactly("{\"index\":1,\"value\":0.05}", "{\"index\":0,\"value\":0.8}");

        Reply failing = post("/api/pools/default/imap", "{\"target\":\"sleep\",\"iterable\":[0.01, -1],\"chunksize\":2}");
        List<String> failed = failing.body().lines().toList();
        assertThat(failed).hasSize(2);
        assertThat(failed.getFirst()).isEqualTo("{\"index\":0,\"value\":0.01}");
        assertThat(failed.getLast()).startsWith("{\"error\":").contains("non-negative");
    }

    @Test
    void aTimeoutFailsTheCallOnTimeAndThePoolStaysUsable() throws Exception {
        awaitIdle("default");
        long t0 = System.nanoTime();
        Reply timedOut = post("/api/pools/default/apply", "{\"target\":\"sleep\",\"args\":[30],\"timeout\":1}");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.contentType()).startsWith("application/problem+json");
        assertThat(timedOut.json().get("type").stringValue()).endsWith("/problems/timeout");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(post("/api/pools/default/apply", "{\"target\":\"square\",\"args\":[12]}").json().get("value").longValue()).isEqualTo(144);
    }

    @Test
    void aTaskErrorFailsTheCallWithTheRemoteErrorAndBadInputIsAProblem() throws Exception {
        Reply failed = post("/api/pools/default/starmap", "{\"target\":\"sha256\",\"iterable\":[[\"a\",1],[\"b\",0]]}");
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().get("type").stringValue()).endsWith("/problems/task-failed");
        assertThat(failed.json().get("error").get("message").stringValue()).contains("rounds must be at least 1");
        assertThat(failed.json().get("error").get("trace").stringValue()).contains("BuiltinTasks.sha256");
        assertThat(post("/api/pools/default/map", "{\"target\":\"cube\",\"iterable\":[2]}").json().get("value").toString()).isEqualTo("[8]");

        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":[1,\"x\"]}"), 400, "invalid-arguments");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":5}"), 400, "invalid-arguments");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"nope\",\"iterable\":[]}"), 400, "unknown-target");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":[1],\"chunksize\":0}"), 400, "invalid-request");
        assertProblem(post("/api/pools/nope/map", "{\"target\":\"square\",\"iterable\":[1]}"), 404, "pool-not-found");
        assertProblem(post("/api/pools/default/join", null), 409, "pool-state");
        assertProblem(send("DELETE", "/api/pools/default", null), 409, "pool-state");
        assertProblem(post("/api/pools", "{\"name\":\"default\"}"), 409, "pool-state");
        assertProblem(post("/api/pools", "{\"name\":\"x\",\"processes\":0}"), 400, "invalid-request");
        assertProblem(post("/api/pools", "{\"name\":\"../x\"}"), 400, "invalid-request");
        assertProblem(get("/api/results/nope"), 404, "result-not-found");
        assertProblem(post("/api/pools/default/apply-async", "{\"target\":\"square\",\"args\":[1],\"callback\":\"file:///etc/passwd\"}"),
                400, "invalid-request");
    }

    @Test
    void mapBodiesAreReadAsAnyJsonClientWritesThemAndBadOnesAreProblems() throws Exception {
        // Python's json.dumps separates with ", " and ": "; members in any order
        assertThat(post("/api/pools/default/map", "{\"iterable\": [1, 2, 3], \"target\": \"square\"}").json().get("value").toString())
                .isEqualTo("[1,4,9]");
        assertThat(post("/api/pools/default/starmap", "{\n \"target\": \"count_primes\",\n \"iterable\": [[2, 10], [10, 20]]\n}").json()
                .get("value").toString()).isEqualTo("[4,4]");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":[1,,2]}"), 400, "malformed-request");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":[1,2]"), 400, "malformed-request");
        assertProblem(post("/api/pools/default/imap", "{\"target\":\"square\",\"iterable\":[01]}"), 400, "malformed-request");
        assertProblem(post("/api/pools/default/map", "{\"target\":\"square\",\"iterable\":[1],\"chunksize\":\"x\"}"), 400, "malformed-request");
        String huge = "{\"target\":\"square\",\"iterable\":[" + "1,".repeat(4_300_000) + "1]}";
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/pools/default/map"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge.getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(new Reply(chunked.statusCode(), chunked.headers().firstValue("Content-Type").orElse(""), null, chunked.body()),
                413, "payload-too-large");
    }

    private static void assertProblem(Reply r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(r.body()).startsWith("application/problem+json");
        assertThat(r.json().get("type").stringValue()).as(r.body()).isEqualTo("https://procpool.dev/problems/" + slug);
    }

    @Test
    void asyncResultsReportProgressCanBeCancelledAndCallBack() throws Exception {
        var received = new CompletableFuture<String>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/done", exchange -> {
            received.complete(new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done";
            Reply async = post("/api/pools/default/map-async",
                    "{\"target\":\"square\",\"iterable\":[1,2,3],\"callback\":\"" + url + "\"}");
            assertThat(async.status()).isEqualTo(202);
            JsonNode delivered = JSON.readTree(received.get(30, TimeUnit.SECONDS));
            assertThat(delivered.get("value").toString()).isEqualTo("[1,4,9]");
            assertThat(delivered.get("id").stringValue()).isEqualTo(async.json().get("id").stringValue());
        } finally {
            receiver.stop(0);
        }
        Reply slow = post("/api/pools/default/starmap-async", "{\"target\":\"sleep\",\"iterable\":[[5],[5],[5],[5],[5],[5]],\"chunksize\":1}");
        JsonNode running = get(slow.location() + "?wait=0.2").json();
        assertThat(running.get("ready").booleanValue()).isFalse();
        assertThat(running.get("progress").get("total").intValue()).isEqualTo(6);
        assertThat(send("DELETE", slow.location(), null).status()).isEqualTo(204);
        assertProblem(get(slow.location()), 404, "result-not-found");
    }
}
