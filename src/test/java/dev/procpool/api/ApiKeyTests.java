package dev.procpool.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** With procpool.security.api-key set, every request but the health probe needs the key. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.security.api-key=s3cret-key", "procpool.pools.default-processes=1", "procpool.worker.spares=0"})
@Timeout(120)
class ApiKeyTests {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path, String header, String value) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).GET();
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiSwaggerUiAndTheOpenApiDocumentNeedTheKeyAndTheHealthProbeDoesNot() throws Exception {
        for (String path : new String[] {"/api/tasks", "/api/pools", "/swagger-ui.html", "/v3/api-docs", "/api/nope", "/actuator/info"}) {
            HttpResponse<String> r = get(path, null, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("application/problem+json");
            assertThat(r.body()).contains("/problems/unauthorized").doesNotContain("s3cret");
            assertThat(get(path, "X-API-Key", "wrong").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/api/tasks", "X-API-Key", "s3cret-key").statusCode()).isEqualTo(200);
        assertThat(get("/api/tasks", "Authorization", "Bearer s3cret-key").statusCode()).isEqualTo(200);
        assertThat(get("/v3/api-docs", "X-API-Key", "s3cret-key").statusCode()).isEqualTo(200);
        assertThat(get("/api/nope", "X-API-Key", "s3cret-key").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/health", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness", null, null).statusCode()).isEqualTo(200);

        var post = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/pools/default/apply"))
                .header("Content-Type", "application/json").header("X-API-Key", "s3cret-key")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"square\",\"args\":[6]}")).build();
        HttpResponse<String> applied = http.send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(applied.body()).isEqualTo("{\"value\":36}");
    }

    @Test
    void theDashboardsPageLoadsWithoutTheKeyButItsEventStreamNeedsIt() throws Exception {
        HttpResponse<String> page = get("/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>procpool</title>");
        assertThat(get("/dashboard/app.js", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/dashboard/stream.js", null, null).body()).contains("X-API-Key");

        HttpResponse<String> events = get("/api/events", null, null);
        assertThat(events.statusCode()).isEqualTo(401);
        assertThat(events.body()).contains("/problems/unauthorized");
        var withKey = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events")).header("X-API-Key", "s3cret-key").build();
        HttpResponse<java.io.InputStream> stream = http.send(withKey, HttpResponse.BodyHandlers.ofInputStream());
        try (var in = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(new String(in.readNBytes(15))).isEqualTo("event:snapshot\n");
        }
    }
}
