import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load run: {@code clients} concurrent clients (virtual threads, one keep-alive HttpClient each)
 * for {@code seconds}, each in a loop: apply-async of square(i) on the default pool, then a long
 * poll of its result (wait=30), checking the value. Prints calls completed, calls/s, p50/p99 of a
 * whole call (both requests), and the answers by status — only documented 429s may be errors.
 *
 * <p>Usage: {@code java bench/LoadRun.java http://localhost:8080 200 60}
 */
public class LoadRun {

    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        var statuses = new ConcurrentHashMap<String, AtomicLong>();
        var latencies = Collections.synchronizedList(new ArrayList<Long>());
        var wrong = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            threads.add(Thread.ofVirtual().start(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
                long i = client;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> sub = http.send(HttpRequest.newBuilder(URI.create(base + "/api/pools/default/apply-async"))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"square\",\"args\":[" + i + "]}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent("apply-async " + sub.statusCode(), k -> new AtomicLong()).incrementAndGet();
                        if (sub.statusCode() == 429) {
                            Thread.sleep(100);
                            continue;
                        }
                        Matcher m = ID.matcher(sub.body());
                        if (sub.statusCode() != 202 || !m.find()) {
                            continue;
                        }
                        HttpResponse<String> result = http.send(HttpRequest.newBuilder(URI.create(base + "/api/results/" + m.group(1) + "?wait=30"))
                                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent("result " + result.statusCode(), k -> new AtomicLong()).incrementAndGet();
                        if (result.statusCode() == 200 && result.body().contains("\"value\":" + (i * i) + ",")) {
                            latencies.add(System.nanoTime() - t0);
                        } else {
                            wrong.incrementAndGet();
                        }
                    } catch (Exception e) {
                        statuses.computeIfAbsent("exception " + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                    i += clients;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int n = sorted.size();
        System.out.println("calls_completed " + n);
        System.out.println("calls_per_s " + String.format("%.1f", n / (double) seconds));
        System.out.println("call_p50_ms " + String.format("%.2f", n == 0 ? 0 : sorted.get((int) Math.ceil(0.50 * n) - 1) / 1e6));
        System.out.println("call_p99_ms " + String.format("%.2f", n == 0 ? 0 : sorted.get((int) Math.ceil(0.99 * n) - 1) / 1e6));
        System.out.println("wrong_values " + wrong.get());
        for (Map.Entry<String, AtomicLong> e : new java.util.TreeMap<>(statuses).entrySet()) {
            System.out.println("status " + e.getKey().replace(' ', '_') + " " + e.getValue().get());
        }
    }
}
