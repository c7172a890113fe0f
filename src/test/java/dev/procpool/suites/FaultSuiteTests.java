package dev.procpool.suites;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite (part of it): tasks that run out of memory or never end, and workers killed over
 * and over during long maps — every call ends with a clear answer in time and the pool heals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1", "procpool.worker.max-heap=64m",
            "procpool.pools.retries=10"})
@Timeout(300)
class FaultSuiteTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    record Reply(int status, JsonNode json) {
    }

    Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(120));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    void awaitFullPool(String pool, int size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode p = call("GET", "/api/pools/" + pool, null).json();
            if (p.get("workers").findValuesAsString("state").stream().filter("idle"::equals).count() == size) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pool " + pool + " did not heal: " + call("GET", "/api/pools/" + pool, null).json());
    }

    /**
     * After every fault: the service is healthy, every pool is back at full size, and the launcher
     * knows exactly the workers the pools and spares account for — each of them a live process, no
     * stray JVM and no worker it lost track of.
     */
    @org.junit.jupiter.api.AfterEach
    void healthyAndNothingLeftBehind() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode health = call("GET", "/actuator/health", null).json();
            JsonNode workers = health.get("components").get("workers").get("details");
            int expected = 0;
            boolean full = true;
            var pids = new java.util.ArrayList<Long>();
            for (JsonNode pool : call("GET", "/api/pools", null).json()) {
                expected += pool.get("processes").intValue();
                for (JsonNode w : pool.get("workers")) {
                    full &= "idle".equals(w.get("state").stringValue());
                    if (!w.get("pid").isNull()) {
                        pids.add(w.get("pid").longValue());
                    }
                }
            }
            int live = workers.get("liveWorkers").intValue();
            int spares = workers.get("spares").intValue();
            if ("UP".equals(health.get("status").stringValue()) && full && live == expected + spares
                    && pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not healthy and whole after the fault: " + health + " pools " + call("GET", "/api/pools", null).json());
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aTaskThatRunsOutOfMemoryFailsWithOutOfMemoryErrorAndItsWorkerIsReplaced() throws Exception {
        awaitFullPool("default", 2);
        Reply r = call("POST", "/api/pools/default/apply", "{\"target\":\"fault.allocate\",\"args\":[1024],\"timeout\":60}");
        assertThat(r.status()).as(r.json().toString()).isIn(422, 502);
        assertThat(r.json().toString()).contains("OutOfMemoryError");
        awaitFullPool("default", 2);
        assertThat(call("POST", "/api/pools/default/apply", "{\"target\":\"square\",\"args\":[7]}").json().get("value").intValue()).isEqualTo(49);
    }

    @Test
    void anEndlessLoopUnderATimeoutIsKilledOnTimeAndThePoolHeals() throws Exception {
        awaitFullPool("default", 2);
        long t0 = System.nanoTime();
        Reply r = call("POST", "/api/pools/default/apply", "{\"target\":\"fault.spin\",\"timeout\":1}");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.json().get("type").stringValue()).endsWith("/problems/timeout");
        assertThat(seconds).as("answered after %.2f s", seconds).isBetween(0.9, 5.0);
        awaitFullPool("default", 2);
        assertThat(call("POST", "/api/pools/default/apply", "{\"target\":\"square\",\"args\":[3]}").json().get("value").intValue()).isEqualTo(9);
    }

    @Test
    void workersKilledAgainAndAgainDuringALongMapLoseNoResult() throws Exception {
        assertThat(call("POST", "/api/pools", "{\"name\":\"battered\",\"processes\":2}").status()).isEqualTo(201);
        awaitFullPool("battered", 2);
        // 2,000 items of 2 ms each in chunks of 20: a few seconds of work, so every kill lands during the map
        String id = call("POST", "/api/pools/battered/map-async",
                "{\"target\":\"sleep\",\"iterable\":" + sleeps(2_000) + ",\"chunksize\":20}").json().get("id").stringValue();
        int kills = 0;
        var random = new java.util.Random(3);
        while (kills < 6) {
            JsonNode result = call("GET", "/api/results/" + id, null).json();
            if (result.get("ready").booleanValue()) {
                break;
            }
            var pids = call("GET", "/api/pools/battered", null).json().get("workers").findValues("pid");
            var alive = pids.stream().filter(p -> !p.isNull()).toList();
            if (!alive.isEmpty()) {
                long pid = alive.get(random.nextInt(alive.size())).longValue();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                kills++;
            }
            Thread.sleep(20);
        }
        assertThat(kills).as("workers killed while the map ran").isEqualTo(6);
        JsonNode done = call("GET", "/api/results/" + id + "?wait=120", null).json();
        assertThat(done.get("successful").booleanValue()).as(done.toString()).isTrue();
        JsonNode values = done.get("value");
        assertThat(values.size()).isEqualTo(2_000);
        for (int i = 0; i < 2_000; i++) {
            assertThat(values.get(i).doubleValue()).isEqualTo(0.002);
        }
        awaitFullPool("battered", 2);
        System.out.println("fault suite: " + kills + " workers SIGKILLed during one map; all 2,000 results correct");
    }

    private static String sleeps(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("0.002");
        }
        return sb.append(']').toString();
    }
}
