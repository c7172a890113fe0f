import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared memory of a running procpool service, on the workload of ../shared/bench/python_mp_baseline.py
 * section 7, end to end through HTTP: (1) two processes each doing 1,000,000 × (with value.get_lock():
 * value += 1) on one Value('i') — wall from the first POST /api/processes to both joined (process start
 * included, as in Python's figure), the ops/s that gives, and the exact final count; 1 warm-up, median of 5,
 * 1.5 s apart so both processes start on warm spares; then the same on two workers of a pool (a starmap of two
 * chunks, one each), 3 warm-up calls and the median of 5;
 * (2) the hand-off latency of a contended lock between two workers: both run lock.handoff (acquire, note
 * when the other process released it, hold ~20 µs, release) 20,000 times; the p50/p99 of the hand-offs
 * from the other process, median over 3 runs of both workers' figures.
 *
 * <p>Usage: {@code java bench/SharedBench.java http://localhost:8080}; prints one {@code key value} line per figure.
 */
public class SharedBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    static String base;
    /** Pause before each run, so the two processes start on warm spares rather than wait for JVMs to boot (as Python's fork never does). */
    static final long SPARES_READY_MS = 1500;

    public static void main(String[] args) throws Exception {
        base = args.length > 0 ? args[0] : "http://localhost:8080";
        int n = 1_000_000;
        List<Double> walls = new ArrayList<>();
        List<Double> inTask = new ArrayList<>();
        for (int run = 0; run < 6; run++) {
            Thread.sleep(SPARES_READY_MS);
            send("DELETE", "/api/shared/values/bench", null);
            expect(send("POST", "/api/shared/values", "{\"name\":\"bench\",\"typecode\":\"i\"}"), "\"value\":0");
            String body = "{\"target\":\"shared.increment\",\"args\":[{\"$value\":\"bench\"}," + n + "]}";
            long t0 = System.nanoTime();
            String a = id(send("POST", "/api/processes", body));
            String b = id(send("POST", "/api/processes", body));
            String ja = send("POST", "/api/processes/" + a + "/join?timeout=120", null);
            String jb = send("POST", "/api/processes/" + b + "/join?timeout=120", null);
            double wall = (System.nanoTime() - t0) / 1e9;
            expect(ja, "\"exitcode\":0");
            expect(jb, "\"exitcode\":0");
            String value = send("GET", "/api/shared/values/bench", null);
            if (!value.contains("\"value\":" + 2 * n + ",")) {
                throw new IllegalStateException("lost updates: " + value);
            }
            double seconds = Math.max(number(ja, "seconds"), number(jb, "seconds"));
            if (run > 0) {
                walls.add(wall);
                inTask.add(seconds);
            }
            send("DELETE", "/api/processes/" + a, null);
            send("DELETE", "/api/processes/" + b, null);
        }
        print("value_locked_wall_ms", median(walls) * 1e3);
        print("value_locked_ops_per_s", 2.0 * n / median(walls));
        print("value_locked_in_task_ops_per_s", 2.0 * n / median(inTask));
        print("value_locked_final_exact", 1);

        // the same increments on two long-lived pool workers (one chunk each, at once): no JVM start, a warm JIT
        send("DELETE", "/api/pools/sharedbench", null);
        expect(send("POST", "/api/pools", "{\"name\":\"sharedbench\",\"processes\":2}"), "\"name\"");
        Thread.sleep(SPARES_READY_MS * 2);
        List<Double> poolWalls = new ArrayList<>();
        String star = "{\"target\":\"shared.increment\",\"chunksize\":1,\"iterable\":[[{\"$value\":\"bench\"}," + n
                + "],[{\"$value\":\"bench\"}," + n + "]]}";
        for (int run = 0; run < 8; run++) {
            send("PUT", "/api/shared/values/bench", "{\"value\":0}");
            long t0 = System.nanoTime();
            expect(send("POST", "/api/pools/sharedbench/starmap", star), "\"increments\"");
            double wall = (System.nanoTime() - t0) / 1e9;
            String value = send("GET", "/api/shared/values/bench", null);
            if (!value.contains("\"value\":" + 2 * n + ",")) {
                throw new IllegalStateException("lost updates: " + value);
            }
            if (run >= 3) {
                poolWalls.add(wall);
            }
        }
        send("DELETE", "/api/pools/sharedbench", null);
        print("value_locked_pool_wall_ms", median(poolWalls) * 1e3);
        print("value_locked_pool_ops_per_s", 2.0 * n / median(poolWalls));

        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Thread.sleep(SPARES_READY_MS);
            send("DELETE", "/api/sync/locks/handoff", null);
            send("DELETE", "/api/shared/arrays/stamps", null);
            expect(send("POST", "/api/sync/locks", "{\"name\":\"handoff\"}"), "\"locked\":false");
            expect(send("POST", "/api/shared/arrays", "{\"name\":\"stamps\",\"typecode\":\"q\",\"size\":2}"), "\"length\":2");
            String body = "{\"target\":\"lock.handoff\",\"args\":[{\"$lock\":\"handoff\"},{\"$array\":\"stamps\"},20000]}";
            String a = id(send("POST", "/api/processes", body));
            String b = id(send("POST", "/api/processes", body));
            for (String id : List.of(a, b)) {
                String j = send("POST", "/api/processes/" + id + "/join?timeout=120", null);
                expect(j, "\"exitcode\":0");
                if (number(j, "handoffs") > 100) {
                    p50.add(number(j, "p50_us"));
                    p99.add(number(j, "p99_us"));
                }
                send("DELETE", "/api/processes/" + id, null);
            }
        }
        print("lock_handoff_p50_us", median(p50));
        print("lock_handoff_p99_us", median(p99));
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get((s.size() - 1) / 2);
    }

    static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + json);
        }
        return m.group(1);
    }

    static void expect(String body, String fragment) {
        if (!body.contains(fragment)) {
            throw new IllegalStateException("expected " + fragment + " in " + body);
        }
    }

    static String send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static void print(String key, double value) {
        System.out.println(key + " " + String.format(Locale.ROOT, "%.4f", value));
    }
}
