package dev.procpool.suites;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Fault suite: workers that cannot start (a bad JVM option in the configuration) give a clear error within seconds, not a hang. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.worker.jvm-options=-XX:+ThisOptionDoesNotExist", "procpool.worker.spares=0",
            "procpool.worker.aot-cache=false", "procpool.pools.default-processes=1"})
@Timeout(120)
class WorkerLaunchFaultTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWorkerThatCannotStartIsAClearErrorWithinSecondsForProcessesAndPools() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> process = call("POST", "/api/processes", "{\"target\":\"echo\",\"args\":[1]}");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(process.statusCode()).as(process.body()).isEqualTo(503);
        JsonNode problem = JSON.readTree(process.body());
        assertThat(problem.get("type").stringValue()).endsWith("/problems/worker-launch-failed");
        assertThat(problem.get("detail").stringValue()).contains("ThisOptionDoesNotExist");
        assertThat(seconds).as("answered after %.1f s", seconds).isLessThan(10);

        t0 = System.nanoTime();
        HttpResponse<String> apply = call("POST", "/api/pools/default/apply", "{\"target\":\"square\",\"args\":[2],\"timeout\":30}");
        seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(apply.statusCode()).as(apply.body()).isBetween(500, 504);
        assertThat(apply.body()).contains("ThisOptionDoesNotExist");
        assertThat(seconds).as("answered after %.1f s", seconds).isLessThan(15);
        HttpResponse<String> health = call("GET", "/actuator/health", null);
        assertThat(health.body()).contains("ThisOptionDoesNotExist");
        assertThat(JSON.readTree(health.body()).get("components").get("pools").get("status").stringValue()).isEqualTo("DOWN");
        assertThat(call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }
}
