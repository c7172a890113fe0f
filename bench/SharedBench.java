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

    /** Pause before each run, so the two processes start on warm spares rather than wait for JVMs to boot (as Python's fork never does). */
    static final long SPARES_READY_MS = 1500;

    public static void main(String[] args) throws Exception {
        BenchHttp.base = args.length > 0 ? args[0] : "http://localhost:8080";
        int n = 1_000_000;
        List<Double> walls = new ArrayList<>();
        List<Double> inTask = new ArrayList<>();
        for (int run = 0; run < 6; run++) {
            Thread.sleep(SPARES_READY_MS);
            BenchHttp.send("DELETE", "/api/shared/values/bench", null);
            BenchHttp.expect(BenchHttp.send("POST", "/api/shared/values", "{\"name\":\"bench\",\"typecode\":\"i\"}"), "\"value\":0");
            String body = "{\"target\":\"shared.increment\",\"args\":[{\"$value\":\"bench\"}," + n + "]}";
            long t0 = System.nanoTime();
            String a = BenchHttp.id(BenchHttp.send("POST", "/api/processes", body));
            String b = BenchHttp.id(BenchHttp.send("POST", "/api/processes", body));
            String ja = BenchHttp.send("POST", "/api/processes/" + a + "/join?timeout=120", null);
            String jb = BenchHttp.send("POST", "/api/processes/" + b + "/join?timeout=120", null);
            double wall = (System.nanoTime() - t0) / 1e9;
            BenchHttp.expect(ja, "\"exitcode\":0");
            BenchHttp.expect(jb, "\"exitcode\":0");
            String value = BenchHttp.send("GET", "/api/shared/values/bench", null);
            if (!value.contains("\"value\":" + 2 * n + ",")) {
                throw new IllegalStateException("lost updates: " + value);
            }
            double seconds = Math.max(BenchHttp.number(ja, "seconds"), BenchHttp.number(jb, "seconds"));
            if (run > 0) {
                walls.add(wall);
                inTask.add(seconds);
            }
            BenchHttp.send("DELETE", "/api/processes/" + a, null);
            BenchHttp.send("DELETE", "/api/processes/" + b, null);
        }
        BenchHttp.print("value_locked_wall_ms", BenchHttp.median(walls) * 1e3);
        BenchHttp.print("value_locked_ops_per_s", 2.0 * n / BenchHttp.median(walls));
        BenchHttp.print("value_locked_in_task_ops_per_s", 2.0 * n / BenchHttp.median(inTask));
        BenchHttp.print("value_locked_final_exact", 1);

        // the same increments on two long-lived pool workers (one chunk each, at once): no JVM start, a warm JIT
        BenchHttp.send("DELETE", "/api/pools/sharedbench", null);
        BenchHttp.expect(BenchHttp.send("POST", "/api/pools", "{\"name\":\"sharedbench\",\"processes\":2}"), "\"name\"");
        Thread.sleep(SPARES_READY_MS * 2);
        List<Double> poolWalls = new ArrayList<>();
        String star = "{\"target\":\"shared.increment\",\"chunksize\":1,\"iterable\":[[{\"$value\":\"bench\"}," + n
                + "],[{\"$value\":\"bench\"}," + n + "]]}";
        for (int run = 0; run < 8; run++) {
            BenchHttp.send("PUT", "/api/shared/values/bench", "{\"value\":0}");
            long t0 = System.nanoTime();
            BenchHttp.expect(BenchHttp.send("POST", "/api/pools/sharedbench/starmap", star), "\"increments\"");
            double wall = (System.nanoTime() - t0) / 1e9;
            String value = BenchHttp.send("GET", "/api/shared/values/bench", null);
            if (!value.contains("\"value\":" + 2 * n + ",")) {
                throw new IllegalStateException("lost updates: " + value);
            }
            if (run >= 3) {
                poolWalls.add(wall);
            }
        }
        BenchHttp.send("DELETE", "/api/pools/sharedbench", null);
        BenchHttp.print("value_locked_pool_wall_ms", BenchHttp.median(poolWalls) * 1e3);
        BenchHttp.print("value_locked_pool_ops_per_s", 2.0 * n / BenchHttp.median(poolWalls));

        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Thread.sleep(SPARES_READY_MS);
            BenchHttp.send("DELETE", "/api/sync/locks/handoff", null);
            BenchHttp.send("DELETE", "/api/shared/arrays/stamps", null);
            BenchHttp.expect(BenchHttp.send("POST", "/api/sync/locks", "{\"name\":\"handoff\"}"), "\"locked\":false");
            BenchHttp.expect(BenchHttp.send("POST", "/api/shared/arrays", "{\"name\":\"stamps\",\"typecode\":\"q\",\"size\":2}"), "\"length\":2");
            String body = "{\"target\":\"lock.handoff\",\"args\":[{\"$lock\":\"handoff\"},{\"$array\":\"stamps\"},20000]}";
            String a = BenchHttp.id(BenchHttp.send("POST", "/api/processes", body));
            String b = BenchHttp.id(BenchHttp.send("POST", "/api/processes", body));
            for (String id : List.of(a, b)) {
                String j = BenchHttp.send("POST", "/api/processes/" + id + "/join?timeout=120", null);
                BenchHttp.expect(j, "\"exitcode\":0");
                if (BenchHttp.number(j, "handoffs") > 100) {
                    p50.add(BenchHttp.number(j, "p50_us"));
                    p99.add(BenchHttp.number(j, "p99_us"));
                }
                BenchHttp.send("DELETE", "/api/processes/" + id, null);
            }
        }
        BenchHttp.print("lock_handoff_p50_us", BenchHttp.median(p50));
        BenchHttp.print("lock_handoff_p99_us", BenchHttp.median(p99));
    }
}
