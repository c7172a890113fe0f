import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What watching costs: the same map(square, 100,000 ints) on the default pool with nobody on
 * /api/events, with one reading client, with 32 reading clients, and with one reading client
 * beside one that never reads (it must be dropped, not slow anyone). Prints "key value" lines;
 * bench/events.sh starts the service and prints the table. Launch:
 * {@code java bench/EventsBench.java http://localhost:8080} (BenchHttp is found beside it).
 */
public class EventsBench {

    static final int ROUNDS = 40;

    /** A client reading the stream, counting events and bytes. */
    static final class Reader implements AutoCloseable {
        final AtomicLong events = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final java.util.stream.Stream<String> lines;

        Reader() throws Exception {
            var r = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create(BenchHttp.base + "/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("events: HTTP " + r.statusCode());
            }
            lines = r.body();
            Thread.ofVirtual().start(() -> {
                try {
                    lines.forEach(l -> {
                        bytes.addAndGet(l.length() + 1);
                        if (l.startsWith("event:")) {
                            events.incrementAndGet();
                        }
                    });
                } catch (RuntimeException closed) {
                    // closed by the bench
                }
            });
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    public static void main(String[] args) throws Exception {
        BenchHttp.base = args.length > 0 ? args[0] : BenchHttp.base;
        var items = new StringBuilder("{\"target\":\"square\",\"iterable\":[");
        for (int i = 0; i < 100_000; i++) {
            items.append(i == 0 ? "" : ",").append(i);
        }
        String body = items.append("]}").toString();
        for (int i = 0; i < 150; i++) {
            map(body);
        }
        BenchHttp.print("map_no_stream_ms", rounds(body));

        try (var one = new Reader()) {
            Thread.sleep(500);
            long e0 = one.events.get();
            long b0 = one.bytes.get();
            BenchHttp.print("map_one_stream_ms", rounds(body));
            Thread.sleep(500);
            BenchHttp.print("events_per_map", (one.events.get() - e0) / (double) ROUNDS);
            BenchHttp.print("event_bytes_per_map", (one.bytes.get() - b0) / (double) ROUNDS);
        }

        awaitNoClients();
        var many = new ArrayList<Reader>();
        try {
            for (int i = 0; i < 32; i++) {
                many.add(new Reader());
            }
            Thread.sleep(500);
            BenchHttp.print("map_32_streams_ms", rounds(body));
        } finally {
            many.forEach(Reader::close);
        }
        awaitNoClients();

        // a client that sends its request and never reads: a small receive window, so the server's writes
        // block once the socket buffers are full (the hub drops it after buffer events; here its events are
        // few and small, so within this run it stays connected and blocked: what it must not do is slow the map)
        try (var stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new java.net.InetSocketAddress(URI.create(BenchHttp.base).getHost(), URI.create(BenchHttp.base).getPort()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (var reader = new Reader()) {
                Thread.sleep(500);
                BenchHttp.print("map_beside_stuck_client_ms", rounds(body));
                BenchHttp.print("reader_events_beside_stuck_client", reader.events.get());
            }
        }
        awaitNoClients();
        BenchHttp.print("map_no_stream_again_ms", rounds(body));
    }

    /** Closed streams end at their next write: an event, or the heartbeat every 15 s. */
    static void awaitNoClients() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!metric("procpool_events_clients").startsWith("0") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static String metric(String name) throws Exception {
        for (String line : BenchHttp.send("GET", "/actuator/prometheus", null).split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }

    static double rounds(String body) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            ms.add(map(body));
        }
        return BenchHttp.median(ms);
    }

    static double map(String body) throws Exception {
        long t0 = System.nanoTime();
        String answer = BenchHttp.send("POST", "/api/pools/default/map", body);
        double ms = (System.nanoTime() - t0) / 1e6;
        BenchHttp.expect(answer, ",9999800001]}");
        return ms;
    }
}
