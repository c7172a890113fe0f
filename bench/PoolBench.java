import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pool throughput and latency of a running procpool service, end to end through HTTP and JSON,
 * on the workloads of ../shared/bench/python_mp_baseline.py sections 3, 4 and 5:
 * (a) map of square over 100,000 ints (and 10,000 with chunksize 1) on a pool of 2, on one
 *     keep-alive connection of a bare HTTP/1.1 client (java.net.http's client alone adds ~15 ms
 *     sending 0.7 MB and receiving 1 MB);
 * (b) apply round trips on a pool of 2, 200 warm-up then 2,000 timed one after another, on one
 *     keep-alive connection of a bare HTTP/1.1 client;
 * (c) count_primes over [2, 1,800,000) in 16 equal-width ranges, chunksize 1, on a pool of 1 and of 2.
 *
 * <p>Usage: {@code java bench/PoolBench.java http://localhost:8080}; prints one {@code key value} line per figure.
 */
public class PoolBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String base;

    public static void main(String[] args) throws Exception {
        base = args.length > 0 ? args[0] : "http://localhost:8080";
        for (String name : List.of("bench1", "bench2")) {
            send("DELETE", "/api/pools/" + name, null);
            expect(send("POST", "/api/pools", "{\"name\":\"" + name + "\",\"processes\":" + name.charAt(5) + "}"), "\"name\"");
        }
        awaitIdle("bench1");
        awaitIdle("bench2");

        String map100k = mapBody(100_000, null);
        time("map_100k", map100k, 20, 30);
        time("map_10k_chunksize1", mapBody(10_000, 1), 3, 5);

        try (var client = new KeepAlive(URI.create(base))) {
            List<Double> us = new ArrayList<>();
            for (int i = 0; i < 2200; i++) {
                String body = "{\"target\":\"square\",\"args\":[" + i + "]}";
                long t0 = System.nanoTime();
                String r = client.post("/api/pools/bench2/apply", body);
                if (i >= 200) {
                    us.add((System.nanoTime() - t0) / 1e3);
                }
                if (!r.equals("{\"value\":" + (long) i * i + "}")) {
                    throw new IllegalStateException("wrong apply result: " + r);
                }
            }
            print("apply_p50_us", pct(us, 50));
            print("apply_p99_us", pct(us, 99));
        }

        StringBuilder ranges = new StringBuilder("[");
        int lo = 2, hi = 1_800_000, n = 16;
        for (int i = 0; i < n; i++) {
            int a = lo + (hi - lo) * i / n, b = lo + (hi - lo) * (i + 1) / n;
            ranges.append(i == 0 ? "" : ",").append('[').append(a).append(',').append(b).append(']');
        }
        String primes = "{\"target\":\"count_primes\",\"iterable\":" + ranges + "],\"chunksize\":1}";
        double one = timeStar("bench1", primes, 1, 3);
        double two = timeStar("bench2", primes, 1, 3);
        print("primes_pool1_s", one / 1000);
        print("primes_pool2_s", two / 1000);
        print("primes_speedup", one / two);
        for (String name : List.of("bench1", "bench2")) {
            send("DELETE", "/api/pools/" + name, null);
        }
    }

    /**
     * A bare HTTP/1.1 keep-alive client on one socket, for round-trip latency: java.net.http's
     * client adds some 0.5 ms of its own threads' hand-offs to every request on these machines.
     */
    static final class KeepAlive implements AutoCloseable {
        private final URI base;
        private final String host;
        private java.net.Socket socket;
        private java.io.OutputStream out;
        private java.io.DataInputStream in;

        KeepAlive(URI base) throws java.io.IOException {
            this.base = base;
            this.host = base.getHost() + ":" + base.getPort();
            connect();
        }

        private void connect() throws java.io.IOException {
            socket = new java.net.Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            out = new java.io.BufferedOutputStream(socket.getOutputStream());
            in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        }

        /** Tomcat closes a keep-alive connection after 100 requests: then reconnect and send again. */
        String post(String path, String json) throws java.io.IOException {
            return new String(post(path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Sends a body already encoded and returns the answer's bytes, so the harness's own work stays small. */
        byte[] post(String path, byte[] body) throws java.io.IOException {
            try {
                return exchange(path, body);
            } catch (java.io.EOFException | java.net.SocketException closed) {
                socket.close();
                connect();
                return exchange(path, body);
            }
        }

        private byte[] exchange(String path, byte[] body) throws java.io.IOException {
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String line; !(line = readLine()).isEmpty(); ) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            var response = new java.io.ByteArrayOutputStream();
            if (chunked) {
                for (int n; (n = Integer.parseInt(readLine().trim(), 16)) > 0; readLine()) {
                    response.write(in.readNBytes(n));
                }
                readLine();
            } else {
                response.write(in.readNBytes(length));
            }
            if (close) {
                socket.close();
                connect();
            }
            return response.toByteArray();
        }

        private String readLine() throws java.io.IOException {
            var sb = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new java.io.EOFException();
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    static String mapBody(int n, Integer chunksize) {
        StringBuilder sb = new StringBuilder("{\"target\":\"square\",\"iterable\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        sb.append(']');
        if (chunksize != null) {
            sb.append(",\"chunksize\":").append(chunksize);
        }
        return sb.append('}').toString();
    }

    static void time(String key, String body, int warmups, int runs) throws Exception {
        List<Double> ms = new ArrayList<>();
        byte[] encoded = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] expected = "{\"value\":[0,1,4,9,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (var client = new KeepAlive(URI.create(base))) {
            for (int i = 0; i < warmups + runs; i++) {
                long t0 = System.nanoTime();
                byte[] r = client.post("/api/pools/bench2/map", encoded);
                double took = (System.nanoTime() - t0) / 1e6;
                if (!java.util.Arrays.equals(r, 0, expected.length, expected, 0, expected.length) || r[r.length - 1] != '}') {
                    throw new IllegalStateException("unexpected map answer: " + new String(r, 0, Math.min(200, r.length)));
                }
                if (i >= warmups) {
                    ms.add(took);
                }
            }
        }
        int items = body.split(",").length - (body.contains("chunksize") ? 2 : 1);
        print(key + "_ms", pct(ms, 50));
        print(key + "_items_per_s", items / (pct(ms, 50) / 1000));
    }

    static double timeStar(String pool, String body, int warmups, int runs) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            long t0 = System.nanoTime();
            String r = send("POST", "/api/pools/" + pool + "/starmap", body);
            expect(r, "{\"value\":[");
            long total = 0;
            for (String v : r.substring(r.indexOf('[') + 1, r.lastIndexOf(']')).split(",")) {
                total += Long.parseLong(v.trim());
            }
            if (total != 135_072) {
                throw new IllegalStateException("wrong prime count " + total);
            }
            if (i >= warmups) {
                ms.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return pct(ms, 50);
    }

    static void awaitIdle(String pool) throws Exception {
        for (int i = 0; i < 600; i++) {
            String s = send("GET", "/api/pools/" + pool, null);
            if (!s.contains("\"starting\"") && !s.contains("\"initializing\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("pool " + pool + " has no workers");
    }

    static String send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static void expect(String reply, String prefix) {
        if (!reply.contains(prefix)) {
            throw new IllegalStateException("unexpected reply: " + reply.substring(0, Math.min(300, reply.length())));
        }
    }

    static void print(String key, double value) {
        System.out.printf(Locale.ROOT, "%s %.4f%n", key, value);
    }

    static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
