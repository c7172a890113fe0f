package dev.procpool.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/events over real HTTP, with real pools, workers, processes, queues and shared memory behind it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1", "procpool.events.buffer=16", "procpool.events.buffer-bytes=4KB",
                "procpool.events.interval=100ms", "procpool.events.heartbeat=1s", "procpool.events.max-clients=4"})
@Timeout(180)
class EventStreamTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    LiveEvents live;

    record Ev(String name, String data) {
        JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /** A client of /api/events: reads it on a thread of its own into a queue. */
    final class Stream implements AutoCloseable {
        final LinkedBlockingQueue<Ev> events = new LinkedBlockingQueue<>();
        final List<Ev> seen = new ArrayList<>();
        private final java.util.stream.Stream<String> lines;
        final int status;

        Stream() throws Exception {
            HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            status = r.statusCode();
            lines = r.body();
            if (status == 200) {
                Thread.ofVirtual().start(() -> {
                    String name = null;
                    try {
                        for (var it = lines.iterator(); it.hasNext(); ) {
                            String line = it.next();
                            if (line.startsWith("event:")) {
                                name = line.substring(6);
                            } else if (line.startsWith("data:")) {
                                events.add(new Ev(name, line.substring(5)));
                            }
                        }
                    } catch (RuntimeException closed) {
                        // the test closed it
                    }
                });
            }
        }

        /** The next event matching {@code wanted}, waiting up to 60 s; every event read is kept in {@link #seen}. */
        Ev await(Predicate<Ev> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Ev e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null) {
                    seen.add(e);
                    if (wanted.test(e)) {
                        return e;
                    }
                }
            }
            throw new AssertionError("no such event in 60 s; seen: " + seen.stream().map(Ev::name).toList());
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    @Test
    void aLongMapSendsAFewBatchedEventsWithItsProgressRisingToDone() throws Exception {
        var client = new TestHttp(port);
        try (var stream = new Stream()) {
            assertThat(stream.status).isEqualTo(200);
            Ev first = stream.await(e -> true);
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.json().get("pools").toString()).contains("\"default\"");
            assertThat(first.json().has("processes")).isTrue();
            assertThat(first.json().has("queues")).isTrue();

            var items = new StringBuilder("[");
            for (int i = 0; i < 100_000; i++) {
                items.append(i == 0 ? "" : ",").append(i);
            }
            TestHttp.Reply accepted = client.post("/api/pools/default/map-async",
                    "{\"target\":\"square\",\"iterable\":" + items.append(']') + ",\"chunksize\":50}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String id = accepted.json().get("id").stringValue();

            Ev done = stream.await(e -> e.name().equals("jobs") && e.data().contains("\"id\":\"" + id + "\",")
                    && e.data().contains("\"ready\":true"));
            JsonNode last = progressOf(done, id);
            assertThat(last.get("done").asInt()).isEqualTo(100_000);
            assertThat(last.get("total").asInt()).isEqualTo(100_000);
            assertThat(last.get("successful").asBoolean()).isTrue();

            // a few batched events: not one per task, nor one per chunk (2,000 chunks of 50)
            assertThat(stream.seen.size()).isLessThan(1_000);
            long completed = 0;
            int previous = -1;
            for (Ev e : stream.seen) {
                if (e.name().equals("tasks")) {
                    for (JsonNode t : e.json()) {
                        if (t.get("target").stringValue().equals("square") && t.get("pool").stringValue().equals("default")) {
                            completed += t.get("completed").asLong();
                        }
                    }
                }
                if (e.name().equals("jobs") && e.data().contains(id)) {
                    int d = progressOf(e, id).get("done").asInt();
                    assertThat(d).as("progress never goes back").isGreaterThanOrEqualTo(previous);
                    previous = d;
                }
            }
            // the last tasks event of the map may come in the same tick as, or one tick after, its final progress
            Ev more = stream.events.poll(1, TimeUnit.SECONDS);
            while (more != null) {
                if (more.name().equals("tasks")) {
                    for (JsonNode t : more.json()) {
                        if (t.get("target").stringValue().equals("square")) {
                            completed += t.get("completed").asLong();
                        }
                    }
                }
                more = stream.events.poll(300, TimeUnit.MILLISECONDS);
            }
            assertThat(completed).isEqualTo(100_000);
            assertThat(stream.seen.stream().filter(e -> e.name().equals("pools")).count()).isPositive();
        }
        // a client that connects now sees the map in the throughput history of its snapshot
        try (var later = new Stream()) {
            JsonNode throughput = later.await(e -> e.name().equals("snapshot")).json().get("throughput");
            assertThat(throughput.get("completed")).hasSize(300);
            long sum = 0;
            for (JsonNode n : throughput.get("completed")) {
                sum += n.asLong();
            }
            assertThat(sum).isGreaterThanOrEqualTo(100_000);
        }
    }

    @Test
    void lifecycleEventsOfPoolsWorkersProcessesQueuesAndSharedObjects() throws Exception {
        var client = new TestHttp(port);
        try (var stream = new Stream()) {
            stream.await(e -> e.name().equals("snapshot"));

            assertThat(client.post("/api/pools", "{\"name\":\"ev-pool\",\"processes\":1}").status()).isEqualTo(201);
            stream.await(e -> e.name().equals("pool") && e.data().contains("\"ev-pool\"") && e.data().contains("\"created\""));
            Ev started = stream.await(e -> e.name().equals("worker") && e.data().contains("\"ev-pool\"") && e.data().contains("\"started\""));
            long firstPid = started.json().get("pid").asLong();

            // a task that kills its worker: the pool replaces it (and retries the task once, on a worker that dies too)
            client.post("/api/pools/ev-pool/apply", "{\"target\":\"exit\",\"args\":[3]}");
            Ev exited = stream.await(e -> e.name().equals("worker") && e.data().contains("\"exited\"") && e.data().contains("\"ev-pool\""));
            assertThat(exited.json().get("pid").asLong()).isEqualTo(firstPid);
            assertThat(exited.json().get("cause").stringValue()).isEqualTo("crashed");
            assertThat(exited.json().get("exitcode").asInt()).isEqualTo(3);
            assertThat(exited.json().get("replaced").asBoolean()).isTrue();
            stream.await(e -> e.name().equals("worker") && e.data().contains("\"started\"") && e.data().contains("\"ev-pool\"")
                    && !e.data().contains("\"pid\":" + firstPid + ","));

            String pid = client.startProcess("echo", "[\"hi\"]");
            Ev processStarted = stream.await(e -> e.name().equals("process") && e.data().contains(pid) && e.data().contains("\"started\""));
            assertThat(processStarted.json().get("startupMillis").asDouble()).isPositive();
            Ev processExited = stream.await(e -> e.name().equals("process") && e.data().contains(pid) && e.data().contains("\"exited\""));
            assertThat(processExited.json().get("process").get("exitcode").asInt()).isZero();

            client.post("/api/queues", "{\"name\":\"ev-queue\"}");
            for (int i = 0; i < 3; i++) {
                client.post("/api/queues/ev-queue/put", "{\"item\":" + i + "}");
            }
            stream.await(e -> e.name().equals("queues") && e.data().contains("{\"name\":\"ev-queue\",\"size\":3,"));

            client.post("/api/shared/values", "{\"name\":\"ev-value\",\"typecode\":\"i\",\"value\":41}");
            client.post("/api/shared/values/ev-value/add", "{\"delta\":1}");
            stream.await(e -> e.name().equals("shared") && e.data().contains("\"name\":\"ev-value\",\"typecode\":\"i\",\"value\":42"));
            client.post("/api/sync/locks", "{\"name\":\"ev-lock\"}");
            stream.await(e -> e.name().equals("sync") && e.data().contains("\"name\":\"ev-lock\",\"kind\":\"locks\",\"locked\":false"));

            client.send("DELETE", "/api/pools/ev-pool", null);
            stream.await(e -> e.name().equals("pool") && e.data().contains("\"ev-pool\"") && e.data().contains("\"deleted\""));
        } finally {
            client.send("DELETE", "/api/queues/ev-queue", null);
            client.send("DELETE", "/api/shared/values/ev-value", null);
            client.send("DELETE", "/api/sync/locks/ev-lock", null);
        }
    }

    /** An emitter whose client never reads: every write blocks until the test lets it go. */
    static final class StuckEmitter extends SseEmitter {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            StringBuilder text = new StringBuilder();
            builder.build().forEach(d -> text.append(d.getData()));
            sent.add(text.toString());
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileOthersKeepUp() throws Exception {
        var client = new TestHttp(port);
        long droppedBefore = live.droppedCount();
        var stuck = new StuckEmitter();
        live.attach(stuck);
        try (var stream = new Stream()) {
            stream.await(e -> e.name().equals("snapshot"));
            // 400 chunks of 5 ms tasks on two workers: a second or more of ticks, each with tasks, jobs and pools events
            var items = new StringBuilder("[");
            for (int i = 0; i < 400; i++) {
                items.append(i == 0 ? "" : ",").append("0.005");
            }
            TestHttp.Reply accepted = client.post("/api/pools/default/map-async",
                    "{\"target\":\"sleep\",\"iterable\":" + items.append(']') + ",\"chunksize\":1}");
            String id = accepted.json().get("id").stringValue();
            Ev done = stream.await(e -> e.name().equals("jobs") && e.data().contains(id) && e.data().contains("\"ready\":true"));
            assertThat(progressOf(done, id).get("done").asInt()).isEqualTo(400);
            assertThat(live.droppedCount()).as("the stuck client was dropped, and only it").isEqualTo(droppedBefore + 1);
            assertThat(client.get("/actuator/prometheus").body()).contains("procpool_events_dropped_total " + (droppedBefore + 1) + ".0");
        } finally {
            stuck.release.countDown();
        }
        // let go, the stuck client's writer finishes its write and says why it ends
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stuck.sent.stream().noneMatch(s -> s.contains("dropped")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(stuck.sent.getLast()).contains("event:dropped").contains("fell 16 events or 4 KB behind");
    }

    @Test
    void aClientHoldingMoreBytesThanItsBufferAllowsIsDropped() throws Exception {
        var client = new TestHttp(port);
        long droppedBefore = live.droppedCount();
        var stuck = new StuckEmitter();
        live.attach(stuck);
        try {
            // shared events of ~12 KB (a 1,000-element array in the snapshot): a client with nothing waiting takes
            // one, however large; a second one waiting behind it is over the 4 KB a client may hold
            var values = new StringBuilder("[");
            for (int i = 0; i < 1000; i++) {
                values.append(i == 0 ? "" : ",").append(i + 0.123456789);
            }
            assertThat(client.post("/api/shared/arrays", "{\"name\":\"ev-big\",\"typecode\":\"d\",\"values\":" + values + "]}").status())
                    .isEqualTo(201);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (int round = 1; live.droppedCount() == droppedBefore && System.nanoTime() < deadline; round++) {
                client.send("PUT", "/api/shared/arrays/ev-big", "{\"start\":0,\"values\":[" + round + "]}");
                Thread.sleep(300);
            }
            assertThat(live.droppedCount()).isGreaterThan(droppedBefore);
        } finally {
            stuck.release.countDown();
            client.send("DELETE", "/api/shared/arrays/ev-big", null);
        }
        // it was this client that was dropped: let go, it says so
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stuck.sent.stream().noneMatch(s -> s.contains("event:dropped")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(stuck.sent.getLast()).contains("event:dropped").contains("or 4 KB behind");
        assertThat(stuck.sent).anyMatch(s -> s.contains("event:snapshot"));
    }

    @Test
    void moreStreamsThanAllowedAreRefusedWith429() throws Exception {
        awaitNoStreams();
        var open = new ArrayList<Stream>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(new Stream());
                assertThat(open.getLast().status).isEqualTo(200);
            }
            TestHttp.Reply refused = new TestHttp(port).get("/api/events");
            TestHttp.assertProblem(refused, 429, "too-many-streams");
            assertThat(refused.json().get("limit").asInt()).isEqualTo(4);
        } finally {
            open.forEach(Stream::close);
            awaitNoStreams();
        }
    }

    /** Streams that were closed end at their next write (a heartbeat a second here). */
    private void awaitNoStreams() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (live.clientCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(live.clientCount()).isZero();
    }

    /** The progress of call {@code id} in a {@code jobs} event. */
    private static JsonNode progressOf(Ev jobs, String id) {
        JsonNode list = jobs.json();
        for (JsonNode j : list) {
            if (j.get("id").stringValue().equals(id)) {
                return j;
            }
        }
        throw new AssertionError(id + " not in " + list);
    }
}
