import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Process start-up latency of a running procpool service, end to end through HTTP:
 * for each of N processes of {@code echo}, POST /api/processes until it answers {@code running},
 * then POST join until {@code exited}. Processes run one after another, as Python's
 * {@code Process(target=...).start(); join()} does in ../shared/bench (section 1).
 *
 * <p>Usage: {@code java bench/ProcessStartupBench.java http://localhost:8080 [n] [label] [gap-ms]};
 * {@code gap-ms} (default 20) is the pause between one process's exit and the next create;
 * prints one line: label, p50/p99 of POST→running and of create→exited, in milliseconds.
 */
public class ProcessStartupBench {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern EXITCODE = Pattern.compile("\"exitcode\":(-?\\d+|null)");

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        String label = args.length > 2 ? args[2] : "procpool";
        long gapMillis = args.length > 3 ? Long.parseLong(args[3]) : 20;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 5; i++) {
            once(http, base, i);
        }
        List<Double> running = new ArrayList<>();
        List<Double> exited = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] t = once(http, base, i);
            running.add(t[0]);
            exited.add(t[1]);
            Thread.sleep(gapMillis);
        }
        System.out.printf(Locale.ROOT, "%-40s n=%d  POST->running p50 %7.1f ms  p99 %7.1f ms   create->exited p50 %7.1f ms  p99 %7.1f ms%n",
                label, n, pct(running, 50), pct(running, 99), pct(exited, 50), pct(exited, 99));
    }

    static double[] once(HttpClient http, String base, int i) throws Exception {
        long t0 = System.nanoTime();
        String created = post(http, base + "/api/processes", "{\"target\":\"echo\",\"args\":[" + i + "]}");
        long t1 = System.nanoTime();
        if (!created.contains("\"state\":\"running\"")) {
            throw new IllegalStateException("not running: " + created);
        }
        Matcher m = ID.matcher(created);
        m.find();
        String id = m.group(1);
        String joined = post(http, base + "/api/processes/" + id + "/join?timeout=60", "");
        long t2 = System.nanoTime();
        Matcher e = EXITCODE.matcher(joined);
        if (!e.find() || !e.group(1).equals("0")) {
            throw new IllegalStateException("did not exit with 0: " + joined);
        }
        http.send(HttpRequest.newBuilder(URI.create(base + "/api/processes/" + id)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        return new double[] {(t1 - t0) / 1e6, (t2 - t0) / 1e6};
    }

    static String post(HttpClient http, String url, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Nearest-rank percentile, as the Python baseline computes it. */
    static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
