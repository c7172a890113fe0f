package dev.procpool.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** A JSON client of a service under test on localhost, and the problem+json assertion every API test makes. */
final class TestHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    TestHttp(int port) {
        this.port = port;
    }

    Reply send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(90));
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    Reply post(String path, String json) throws Exception {
        return send("POST", path, json);
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    /** Starts a process of {@code target} with these JSON {@code args}; its id. */
    String startProcess(String target, String args) throws Exception {
        Reply r = post("/api/processes", "{\"target\":\"" + target + "\",\"args\":" + args + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").stringValue();
    }

    /** Joins a process (up to 60 s) and returns it, exited. */
    JsonNode join(String id) throws Exception {
        JsonNode p = post("/api/processes/" + id + "/join?timeout=60", null).json();
        assertThat(p.get("state").stringValue()).as(p.toString()).isEqualTo("exited");
        return p;
    }

    static void assertProblem(Reply r, int status, String slug) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(r.body()).startsWith("application/problem+json");
        assertThat(r.json().get("type").stringValue()).as(r.body()).isEqualTo("https://procpool.dev/problems/" + slug);
    }
}
