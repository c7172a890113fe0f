package dev.procpool.suites;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input suite: for every operation in the service's own OpenAPI document, requests that
 * are wrong by construction — malformed JSON, every field of the wrong type, required fields
 * missing, unknown fields, hostile names in the path, wrong query parameters, wrong content types,
 * huge bodies, deep nesting, invalid references. Every answer must be a 4xx
 * {@code application/problem+json}, and nothing may change: the lists of processes, pools,
 * queues, pipes and shared objects are the same afterwards. It prints how many requests it sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=1", "procpool.worker.spares=1", "procpool.api.max-request-size=1MB"})
@Timeout(300)
class BadInputSuiteTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    /** Path parameter values that name the fixtures below, so a request reaches its operation's own checks. */
    private final Map<String, String> fixtures = new LinkedHashMap<>();
    private int sent;
    private final List<String> failures = new ArrayList<>();

    record Reply(int status, String contentType, String body) {
    }

    Reply send(String method, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    Reply json(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), body == null ? null : "application/json");
    }

    /** Sends one bad request and records it unless the answer is a 4xx problem. */
    void bad(String what, String method, String path, byte[] body, String contentType) throws Exception {
        sent++;
        Reply r = send(method, path, body, contentType);
        boolean problem = r.contentType().startsWith("application/problem+json");
        if (r.status() < 400 || r.status() >= 500 || !problem) {
            failures.add(r.status() + " " + method + " " + path + " [" + what + "] "
                    + (body == null ? "" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8)) + " -> "
                    + r.body().substring(0, Math.min(200, r.body().length())));
        }
    }

    void bad(String what, String method, String path, String body) throws Exception {
        bad(what, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), body == null ? null : "application/json");
    }

    @Test
    void everyMalformedRequestIsA4xxProblemAndChangesNothing() throws Exception {
        makeFixtures();
        String before = state();
        JsonNode api = JSON.readTree(json("GET", "/v3/api-docs", null).body());
        JsonNode schemas = api.get("components").get("schemas");
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.get("paths").properties().iterator(); paths.hasNext(); ) {
            var path = paths.next();
            for (var op : path.getValue().properties()) {
                String method = op.getKey().toUpperCase();
                JsonNode operation = op.getValue();
                String concrete = concrete(path.getKey(), operation);
                hostilePathParameters(method, path.getKey(), operation);
                wrongQueryParameters(method, concrete, operation);
                JsonNode body = operation.path("requestBody").path("content").path("application/json").path("schema");
                if (!body.isMissingNode()) {
                    JsonNode schema = resolve(schemas, body);
                    malformedBodies(method, concrete);
                    wrongFields(method, concrete, schema, schemas);
                }
            }
        }
        bad("invalid reference", "POST", "/api/processes", "{\"target\":\"demo.shared_worker\",\"args\":[{\"$value\":\"../etc\"},{\"$array\":\"fx\"}]}");
        bad("invalid reference", "POST", "/api/processes", "{\"target\":\"queue.get\",\"args\":[{\"$queue\":\"fx\",\"extra\":1}, 1]}");
        bad("invalid reference", "POST", "/api/pools/fx/apply", "{\"target\":\"queue.get\",\"args\":[{\"$pipe\":\"fx\",\"end\":7}, 1]}");
        bad("reference of the wrong kind", "POST", "/api/processes", "{\"target\":\"lock.try_acquire\",\"args\":[{\"$value\":\"fx\"}, 1]}");
        bad("a reference where a number goes", "POST", "/api/processes", "{\"target\":\"square\",\"args\":[{\"$value\":\"fx\"}]}");

        String after = state();
        System.out.println("bad-input suite: " + sent + " malformed requests sent, " + failures.size() + " not answered with a 4xx problem");
        assertThat(failures).as("requests not answered with a 4xx application/problem+json").isEmpty();
        assertThat(sent).isGreaterThan(1000);
        assertThat(after).as("state after the suite").isEqualTo(before);
    }

    private void makeFixtures() throws Exception {
        assertThat(json("POST", "/api/pools", "{\"name\":\"fx\",\"processes\":1}").status()).isEqualTo(201);
        assertThat(json("POST", "/api/queues", "{\"name\":\"fx\"}").status()).isEqualTo(201);
        assertThat(json("POST", "/api/shared/values", "{\"name\":\"fx\",\"typecode\":\"i\"}").status()).isEqualTo(201);
        assertThat(json("POST", "/api/shared/arrays", "{\"name\":\"fx\",\"typecode\":\"d\",\"size\":4}").status()).isEqualTo(201);
        assertThat(json("POST", "/api/shared/memory", "{\"name\":\"fx\",\"size\":64}").status()).isEqualTo(201);
        assertThat(json("POST", "/api/sync/events", "{\"name\":\"fx\"}").status()).isEqualTo(201);
        String pipe = JSON.readTree(json("POST", "/api/pipes", "{}").body()).get("id").stringValue();
        String process = JSON.readTree(json("POST", "/api/processes", "{\"target\":\"echo\",\"args\":[1],\"start\":false}").body())
                .get("id").stringValue();
        fixtures.put("pool", "fx");
        fixtures.put("name", "fx");
        fixtures.put("kind", "events");
        fixtures.put("id", process);
        fixtures.put("end", "0");
        fixtures.put("pipe", pipe);
    }

    /** The operation's path with its parameters naming fixtures. */
    private String concrete(String template, JsonNode operation) {
        String path = template;
        if (template.startsWith("/api/pipes/{id}")) {
            path = path.replace("{id}", fixtures.get("pipe"));
        }
        if (template.startsWith("/api/shared/{kind}")) {
            path = path.replace("{kind}", "values");
        }
        for (var e : fixtures.entrySet()) {
            path = path.replace("{" + e.getKey() + "}", e.getValue());
        }
        return path;
    }

    private void hostilePathParameters(String method, String template, JsonNode operation) throws Exception {
        if (!template.contains("{") || method.equals("GET") && template.contains("output")) {
            return;
        }
        for (String hostile : List.of("..", "%2e%2e", "a%2Fb", "%00", "nul%00x", "%C3%BC", "x".repeat(300), "%20", "-1", "9999999999999999999999")) {
            String path = template;
            for (String param : List.of("{pool}", "{name}", "{id}", "{kind}", "{end}")) {
                path = path.replace(param, hostile);
            }
            bad("hostile path parameter", method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
        }
    }

    private void wrongQueryParameters(String method, String path, JsonNode operation) throws Exception {
        for (JsonNode p : operation.path("parameters")) {
            if (!p.get("in").stringValue().equals("query")) {
                continue;
            }
            String type = p.path("schema").path("type").asString("");
            List<String> values = switch (type) {
                case "integer" -> List.of("abc", "-5", "1.5", "99999999999999999999");
                case "number" -> List.of("abc", "-1", "NaN", "-Infinity");
                case "boolean" -> List.of("maybe");
                default -> List.of("%00");
            };
            for (String v : values) {
                if (p.get("name").stringValue().equals("state") && v.equals("%00")) {
                    continue;
                }
                String body = method.equals("GET") || method.equals("DELETE") ? null : operation.has("requestBody") ? "{}" : null;
                bad("query " + p.get("name").stringValue() + "=" + v, method, path + "?" + p.get("name").stringValue() + "=" + v, body);
            }
        }
    }

    private void malformedBodies(String method, String path) throws Exception {
        for (String body : List.of("", "{", "{\"a\":", "[", "nul", "12", "\"text\"", "[]", "{\"a\":1,}", "{'a':1}", "\u0000\u0001",
                "[".repeat(5000) + "]".repeat(5000), "{\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}")) {
            bad("malformed JSON", method, path, body);
        }
        bad("wrong content type", method, path, "{}".getBytes(StandardCharsets.UTF_8), "text/plain");
        bad("wrong content type", method, path, "a=1".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
        bad("not UTF-8", method, path, new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'}, "application/json");
        byte[] huge = ("{\"x\":\"" + "y".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        bad("over the request size", method, path, huge, "application/json");
    }

    /** Each field of the body with a value of the wrong JSON type; required fields missing; an unknown field. */
    private void wrongFields(String method, String path, JsonNode schema, JsonNode schemas) throws Exception {
        JsonNode properties = schema.path("properties");
        ObjectNode valid = validBody(path);
        for (var field : properties.properties()) {
            String type = resolve(schemas, field.getValue()).path("type").asString("");
            List<String> wrong = switch (type) {
                case "string" -> List.of("{}", "[1]", "{\"$value\":\"fx\"}");
                case "integer" -> List.of("\"abc\"", "{}", "[1]", "1e400", "99999999999999999999", "true");
                case "number" -> List.of("\"abc\"", "{}", "[1]", "true");
                case "boolean" -> List.of("\"maybe\"", "{}", "[true]");
                case "array" -> List.of("\"abc\"", "{}", "5");
                default -> List.of();
            };
            for (String w : wrong) {
                ObjectNode body = valid.deepCopy();
                body.set(field.getKey(), JSON.readTree(w));
                bad("field " + field.getKey() + " of the wrong type", method, path, body.toString());
            }
        }
        for (JsonNode required : schema.path("required")) {
            ObjectNode body = valid.deepCopy();
            body.remove(required.stringValue());
            bad("missing " + required.stringValue(), method, path, body.toString());
        }
        if (!properties.isEmpty()) {
            ObjectNode body = valid.deepCopy();
            body.put("bogus", 1);
            bad("unknown field", method, path, body.toString());
        }
    }

    /** A body that would be accepted for this path, to break one field at a time (with a fresh name, so nothing it creates collides). */
    private ObjectNode validBody(String path) {
        String body;
        if (path.equals("/api/processes")) {
            body = "{\"target\":\"echo\",\"args\":[1],\"start\":false,\"name\":\"unused-name\"}";
        } else if (path.equals("/api/pools")) {
            body = "{\"name\":\"never\",\"processes\":1}";
        } else if (path.endsWith("/apply") || path.endsWith("/apply-async")) {
            body = "{\"target\":\"square\",\"args\":[2]}";
        } else if (path.contains("/api/pools/")) {
            body = "{\"target\":\"square\",\"iterable\":[1,2]}";
        } else if (path.equals("/api/queues")) {
            body = "{\"name\":\"never\",\"maxsize\":1}";
        } else if (path.endsWith("/put") || path.endsWith("/send")) {
            body = "{\"item\":1,\"timeout\":0}";
        } else if (path.equals("/api/shared/values")) {
            body = "{\"name\":\"never\",\"typecode\":\"i\",\"value\":1}";
        } else if (path.equals("/api/shared/arrays")) {
            body = "{\"name\":\"never\",\"typecode\":\"i\",\"size\":2}";
        } else if (path.equals("/api/shared/memory")) {
            body = "{\"name\":\"never\",\"size\":8}";
        } else if (path.startsWith("/api/shared/arrays/")) {
            body = "{\"start\":0,\"values\":[1.0]}";
        } else if (path.endsWith("/add")) {
            body = "{\"delta\":1}";
        } else if (path.startsWith("/api/shared/values/")) {
            body = "{\"value\":1}";
        } else if (path.startsWith("/api/sync/")) {
            body = "{\"name\":\"never\"}";
        } else if (path.equals("/api/pipes")) {
            body = "{\"duplex\":true}";
        } else {
            body = "{}";
        }
        return (ObjectNode) JSON.readTree(body);
    }

    private static JsonNode resolve(JsonNode schemas, JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        return ref.isEmpty() ? schema : schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** What exists: names and ids of every kind of object, sorted. */
    private String state() throws Exception {
        var out = new TreeSet<String>();
        for (String list : List.of("/api/processes", "/api/pools", "/api/queues", "/api/pipes", "/api/shared/values", "/api/shared/arrays",
                "/api/sync/locks", "/api/sync/events", "/api/sync/semaphores", "/api/sync/barriers")) {
            for (JsonNode item : JSON.readTree(json("GET", list, null).body())) {
                out.add(list + " " + (item.has("id") ? item.get("id").stringValue() : item.get("name").stringValue()));
            }
        }
        JsonNode value = JSON.readTree(json("GET", "/api/shared/values/fx", null).body());
        out.add("value fx = " + value.get("value"));
        out.add("queue fx size = " + JSON.readTree(json("GET", "/api/queues/fx", null).body()).get("size"));
        out.add("memory objects = " + JSON.readTree(json("GET", "/api/shared", null).body()).get("memory").size());
        return String.join("\n", out);
    }
}
