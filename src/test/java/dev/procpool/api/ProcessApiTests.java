package dev.procpool.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The README walkthrough and the error contract, over real HTTP against real worker JVMs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.worker.spares=2", "procpool.processes.max-live=8"})
@Timeout(180)
class ProcessApiTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Reply call(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    Reply post(String path, String json) throws Exception {
        return call("POST", path, json, "application/json");
    }

    Reply get(String path) throws Exception {
        return call("GET", path, null, null);
    }

    @Test
    void fiveDemoWorkersStartedTogetherRunInParallelAndPrintExactlyTheirLines() throws Exception {
        long t0 = System.nanoTime();
        List<CompletableFuture<Reply>> created = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            String body = "{\"target\":\"demo.worker\",\"args\":[" + n + "]}";
            created.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return post("/api/processes", body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> ids = new ArrayList<>();
        for (var f : created) {
            Reply r = f.join();
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.json().get("state").stringValue()).isEqualTo("running");
            ids.add(r.json().get("id").stringValue());
        }
        for (int n = 1; n <= 5; n++) {
            Reply joined = post("/api/processes/" + ids.get(n - 1) + "/join?timeout=30", null);
            assertThat(joined.json().get("exitcode").intValue()).isZero();
            assertThat(joined.json().get("alive").booleanValue()).isFalse();
            Reply out = get("/api/processes/" + ids.get(n - 1) + "/output");
            assertThat(out.contentType()).startsWith("text/plain");
            assertThat(out.body()).isEqualTo("Worker " + n + " started\nWorker " + n + " finished\n");
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(wall).as("five 2-second workers ran in parallel, not one after another").isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void createReturns201WithLocationAndListingFiltersByState() throws Exception {
        Reply r = post("/api/processes", "{\"target\":\"sleep\",\"args\":[0],\"name\":\"nap.1\",\"start\":false}");
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").stringValue();
        assertThat(r.json().get("state").stringValue()).isEqualTo("created");
        assertThat(r.json().get("name").stringValue()).isEqualTo("nap.1");
        assertThat(get("/api/processes?state=created").json().findValuesAsString("id")).contains(id);
        assertThat(post("/api/processes/" + id + "/start", null).json().get("state").stringValue()).isEqualTo("running");
        assertThat(post("/api/processes/" + id + "/start", null).status()).isEqualTo(409);
        JsonNode joined = post("/api/processes/" + id + "/join", null).json();
        assertThat(joined.get("state").stringValue()).isEqualTo("exited");
        assertThat(joined.get("result").doubleValue()).isZero();
        assertThat(call("DELETE", "/api/processes/" + id, null, null).status()).isEqualTo(204);
        assertThat(get("/api/processes/" + id).status()).isEqualTo(404);
    }

    @Test
    void terminateKillFailAndExitReportPythonsExitCodes() throws Exception {
        String sleeper = post("/api/processes", "{\"target\":\"sleep\",\"args\":[60]}").json().get("id").stringValue();
        assertThat(call("DELETE", "/api/processes/" + sleeper, null, null).status()).isEqualTo(409);
        assertThat(post("/api/processes/" + sleeper + "/join?timeout=0.2", null).json().get("alive").booleanValue()).isTrue();
        assertThat(post("/api/processes/" + sleeper + "/terminate", null).json().get("exitcode").intValue()).isEqualTo(-15);
        String victim = post("/api/processes", "{\"target\":\"sleep\",\"args\":[60]}").json().get("id").stringValue();
        assertThat(post("/api/processes/" + victim + "/kill", null).json().get("exitcode").intValue()).isEqualTo(-9);
        String failing = post("/api/processes", "{\"target\":\"fail\",\"kwargs\":{\"message\":\"boom\"}}").json().get("id").stringValue();
        JsonNode failed = post("/api/processes/" + failing + "/join?timeout=30", null).json();
        assertThat(failed.get("exitcode").intValue()).isEqualTo(1);
        assertThat(failed.get("error").get("message").stringValue()).isEqualTo("boom");
        assertThat(failed.get("error").get("trace").stringValue()).contains("BuiltinTasks.fail");
        String exiting = post("/api/processes", "{\"target\":\"exit\",\"args\":[3]}").json().get("id").stringValue();
        assertThat(post("/api/processes/" + exiting + "/join?timeout=30", null).json().get("exitcode").intValue()).isEqualTo(3);
    }

    @Test
    void followStreamsOneEventPerLineUntilTheProcessEnds() throws Exception {
        String id = post("/api/processes", "{\"target\":\"demo.worker\",\"args\":[9]}").json().get("id").stringValue();
        Reply sse = call("GET", "/api/processes/" + id + "/output?follow=true", null, null);
        assertThat(sse.contentType()).startsWith("text/event-stream");
        assertThat(sse.body()).contains("event:output\ndata:Worker 9 started\n\n")
                .contains("event:output\ndata:Worker 9 finished\n\n")
                .contains("event:exit\ndata:{");
        assertThat(sse.body().indexOf("started")).isLessThan(sse.body().indexOf("finished"));
    }

    @Test
    void badInputIsAProblemAndChangesNothing() throws Exception {
        int before = get("/api/processes").json().size();
        Reply unknown = post("/api/processes", "{\"target\":\"nope\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.json().get("type").stringValue()).endsWith("/problems/unknown-target");
        assertThat(unknown.json().get("available").toString()).contains("demo.worker");

        assertProblem(post("/api/processes", "{\"target\":\"square\",\"args\":[\"x\"]}"), 400, "invalid-arguments");
        assertProblem(post("/api/processes", "{\"target\":\"square\",\"args\":[1,2]}"), 400, "invalid-arguments");
        assertProblem(post("/api/processes", "{\"target\":"), 400, "malformed-request");
        assertProblem(post("/api/processes", "{\"target\":\"square\",\"args\":[1],\"extra\":true}"), 400, "malformed-request");
        assertProblem(post("/api/processes", "{\"args\":[1]}"), 400, "invalid-request");
        assertProblem(post("/api/processes", "{\"target\":\"square\",\"args\":[1],\"name\":\"../etc\"}"), 400, "invalid-request");
        assertProblem(call("POST", "/api/processes", "target=square", "application/x-www-form-urlencoded"), 415, "unsupported-media-type");
        assertProblem(get("/api/processes/nope"), 404, "process-not-found");
        assertProblem(get("/api/processes?state=zombie"), 400, "invalid-request");
        assertProblem(get("/api/nothing-here"), 404, "not-found");
        Reply created = post("/api/processes", "{\"target\":\"sleep\",\"args\":[0],\"start\":false}");
        String id = created.json().get("id").stringValue();
        assertProblem(post("/api/processes/" + id + "/join", null), 409, "process-state");
        assertProblem(post("/api/processes/" + id + "/join?timeout=abc", null), 400, "malformed-request");
        assertProblem(post("/api/processes/" + id + "/join?timeout=-1", null), 400, "invalid-request");
        call("DELETE", "/api/processes/" + id, null, null);
        String huge = "{\"target\":\"echo\",\"args\":[\"" + "x".repeat(8_500_000) + "\"]}";
        assertProblem(post("/api/processes", huge), 413, "payload-too-large");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/processes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge.getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(new Reply(chunked.statusCode(), chunked.headers().firstValue("Content-Type").orElse(""), chunked.body()),
                413, "payload-too-large");
        assertThat(get("/api/processes").json().size()).isEqualTo(before);
    }

    private static void assertProblem(Reply r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(r.body()).startsWith("application/problem+json");
        assertThat(r.json().get("type").stringValue()).as(r.body()).isEqualTo("https://procpool.dev/problems/" + slug);
        assertThat(r.json().get("detail").stringValue()).isNotBlank().doesNotContain("dev.procpool.api");
    }

    @Test
    void tasksOpenApiSwaggerUiAndHealthAreServed() throws Exception {
        JsonNode tasks = get("/api/tasks").json();
        assertThat(tasks.findValuesAsString("name")).contains("demo.worker", "count_primes", "exit");
        JsonNode primes = JSON.readTree(tasks.toString()).valueStream()
                .filter(t -> t.get("name").stringValue().equals("count_primes")).findFirst().orElseThrow();
        assertThat(primes.get("params").toString()).isEqualTo("[{\"name\":\"start\",\"type\":\"integer\"},{\"name\":\"stop\",\"type\":\"integer\"}]");

        JsonNode api = get("/v3/api-docs").json();
        for (String path : List.of("/api/processes", "/api/processes/{id}", "/api/processes/{id}/start", "/api/processes/{id}/join",
                "/api/processes/{id}/terminate", "/api/processes/{id}/kill", "/api/processes/{id}/output", "/api/tasks",
                "/api/pools", "/api/pools/{pool}", "/api/pools/{pool}/apply", "/api/pools/{pool}/apply-async",
                "/api/pools/{pool}/map", "/api/pools/{pool}/map-async", "/api/pools/{pool}/starmap",
                "/api/pools/{pool}/starmap-async", "/api/pools/{pool}/imap", "/api/pools/{pool}/imap-unordered",
                "/api/pools/{pool}/close", "/api/pools/{pool}/terminate", "/api/pools/{pool}/join", "/api/results/{id}")) {
            assertThat(api.get("paths").has(path)).as(path).isTrue();
        }
        assertThat(api.get("paths").get("/api/processes").get("post").toString()).contains("demo.worker");
        assertThat(api.get("paths").get("/api/pools/{pool}/map").get("post").get("responses").get("200").toString())
                .contains("#/components/schemas/Value").contains("[0,1,4,9,16,25,36,49,64,81]");
        Reply ui = call("GET", "/swagger-ui/index.html", null, null);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(get("/swagger-ui.html").status()).isIn(200, 302);

        JsonNode health = get("/actuator/health").json();
        assertThat(health.get("status").stringValue()).isEqualTo("UP");
        assertThat(health.get("components").get("workers").get("status").stringValue()).isEqualTo("UP");
        assertThat(get("/actuator/info").status()).isEqualTo(200);
    }
}
