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
 * Queues and pipes of a running procpool service, on the workloads of
 * ../shared/bench/python_mp_baseline.py section 6, end to end through HTTP:
 * (1) one worker process puts 0..99,999 on a queue (queue.produce) while the client drains it over
 *     HTTP (POST /drain, up to 100,000 items a call, 1 ms apart when empty): items/s from the
 *     process's POST to the last item, and from the first item to the last;
 * (2) the same 100,000 from one worker process to another (queue.produce, queue.consume): items/s
 *     from the first POST to both joined, and inside the consumer;
 *     and the same between the two workers of a pool (apply-async of each at once; 3 warm-up, median of 5);
 * (3) pipe ping-pong between two worker processes (pipe.echo and pipe.pingpong: 200 warm-up, then
 *     10,000 round trips of a small int): p50 and p99.
 * Each: 1 warm-up run, median of 5, 1.5 s apart so processes start on warm spares.
 *
 * <p>Usage: {@code java bench/QueueBench.java http://localhost:8080}; prints one {@code key value} line per figure.
 */
public class QueueBench {

    static final int N = 100_000;
    static final long SPARES_READY_MS = 1500;

    public static void main(String[] args) throws Exception {
        BenchHttp.base = args.length > 0 ? args[0] : "http://localhost:8080";
        List<Double> drainTotal = new ArrayList<>();
        List<Double> drainSteady = new ArrayList<>();
        List<Double> between = new ArrayList<>();
        List<Double> betweenConsumer = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int run = 0; run < 6; run++) {
            Thread.sleep(SPARES_READY_MS);
            fresh("bq");
            long t0 = System.nanoTime();
            String producer = BenchHttp.id(BenchHttp.send("POST", "/api/processes", "{\"target\":\"queue.produce\",\"args\":[{\"$queue\":\"bq\"}," + N + "]}"));
            long first = 0;
            int got = 0;
            long expect = 0;
            while (got < N) {
                String body = BenchHttp.send("POST", "/api/queues/bq/drain?max=100000", null);
                int start = body.indexOf('[') + 1;
                int end = body.lastIndexOf(']');
                if (end <= start) {
                    Thread.sleep(1);
                    continue;
                }
                if (first == 0) {
                    first = System.nanoTime();
                }
                for (String v : body.substring(start, end).split(",")) {
                    if (Long.parseLong(v) != expect++) {
                        throw new IllegalStateException("out of order or lost at " + (expect - 1) + ": " + v);
                    }
                    got++;
                }
            }
            long t1 = System.nanoTime();
            BenchHttp.expect(BenchHttp.send("POST", "/api/processes/" + producer + "/join?timeout=60", null), "\"exitcode\":0");
            BenchHttp.send("DELETE", "/api/processes/" + producer, null);
            if (run > 0) {
                drainTotal.add(N / ((t1 - t0) / 1e9));
                drainSteady.add((N - 1) / ((t1 - first) / 1e9));
            }

            Thread.sleep(SPARES_READY_MS);
            fresh("bw");
            long t2 = System.nanoTime();
            String p = BenchHttp.id(BenchHttp.send("POST", "/api/processes", "{\"target\":\"queue.produce\",\"args\":[{\"$queue\":\"bw\"}," + N + "]}"));
            String c = BenchHttp.id(BenchHttp.send("POST", "/api/processes", "{\"target\":\"queue.consume\",\"args\":[{\"$queue\":\"bw\"}," + N + "]}"));
            BenchHttp.expect(BenchHttp.send("POST", "/api/processes/" + p + "/join?timeout=120", null), "\"exitcode\":0");
            String joined = BenchHttp.send("POST", "/api/processes/" + c + "/join?timeout=120", null);
            long t3 = System.nanoTime();
            BenchHttp.expect(joined, "\"sum\":" + (long) N * (N - 1) / 2);
            BenchHttp.send("DELETE", "/api/processes/" + p, null);
            BenchHttp.send("DELETE", "/api/processes/" + c, null);
            if (run > 0) {
                between.add(N / ((t3 - t2) / 1e9));
                betweenConsumer.add(N / BenchHttp.number(joined, "seconds"));
            }

            Thread.sleep(SPARES_READY_MS);
            String pipe = BenchHttp.id(BenchHttp.send("POST", "/api/pipes", "{\"duplex\":true}"));
            String echo = BenchHttp.id(BenchHttp.send("POST", "/api/processes", "{\"target\":\"pipe.echo\",\"args\":[{\"$pipe\":\"" + pipe + "\",\"end\":1}]}"));
            String ping = BenchHttp.id(BenchHttp.send("POST", "/api/processes", "{\"target\":\"pipe.pingpong\",\"args\":[{\"$pipe\":\"" + pipe + "\",\"end\":0},10000]}"));
            String result = BenchHttp.send("POST", "/api/processes/" + ping + "/join?timeout=120", null);
            BenchHttp.expect(BenchHttp.send("POST", "/api/processes/" + echo + "/join?timeout=60", null), "\"exitcode\":0");
            BenchHttp.send("DELETE", "/api/processes/" + ping, null);
            BenchHttp.send("DELETE", "/api/processes/" + echo, null);
            BenchHttp.send("DELETE", "/api/pipes/" + pipe, null);
            if (run > 0) {
                p50.add(BenchHttp.number(result, "p50_us"));
                p99.add(BenchHttp.number(result, "p99_us"));
            }
        }
        // the same between the two long-lived workers of a pool (apply-async of each, at once): no JVM start, a warm JIT
        BenchHttp.send("DELETE", "/api/pools/queuebench", null);
        BenchHttp.expect(BenchHttp.send("POST", "/api/pools", "{\"name\":\"queuebench\",\"processes\":2}"), "\"name\"");
        Thread.sleep(SPARES_READY_MS * 2);
        List<Double> pool = new ArrayList<>();
        for (int run = 0; run < 8; run++) {
            fresh("bp");
            long t0 = System.nanoTime();
            String a = BenchHttp.id(BenchHttp.send("POST", "/api/pools/queuebench/apply-async", "{\"target\":\"queue.produce\",\"args\":[{\"$queue\":\"bp\"}," + N + "]}"));
            String c = BenchHttp.id(BenchHttp.send("POST", "/api/pools/queuebench/apply-async", "{\"target\":\"queue.consume\",\"args\":[{\"$queue\":\"bp\"}," + N + "]}"));
            BenchHttp.expect(BenchHttp.send("GET", "/api/results/" + a + "?wait=120", null), "\"successful\":true");
            String consumed = BenchHttp.send("GET", "/api/results/" + c + "?wait=120", null);
            long t1 = System.nanoTime();
            BenchHttp.expect(consumed, "\"sum\":" + (long) N * (N - 1) / 2);
            if (run >= 3) {
                pool.add(N / ((t1 - t0) / 1e9));
            }
        }
        BenchHttp.send("DELETE", "/api/pools/queuebench", null);
        BenchHttp.print("queue_between_pool_workers_items_per_s", BenchHttp.median(pool));
        BenchHttp.print("queue_drain_items_per_s_incl_process_start", BenchHttp.median(drainTotal));
        BenchHttp.print("queue_drain_items_per_s_first_to_last", BenchHttp.median(drainSteady));
        BenchHttp.print("queue_between_workers_items_per_s", BenchHttp.median(between));
        BenchHttp.print("queue_between_workers_consumer_items_per_s", BenchHttp.median(betweenConsumer));
        BenchHttp.print("pipe_pingpong_p50_us", BenchHttp.median(p50));
        BenchHttp.print("pipe_pingpong_p99_us", BenchHttp.median(p99));
    }

    static void fresh(String queue) throws Exception {
        BenchHttp.send("DELETE", "/api/queues/" + queue, null);
        BenchHttp.expect(BenchHttp.send("POST", "/api/queues", "{\"name\":\"" + queue + "\"}"), "\"size\":0");
    }
}
