package dev.procpool;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service, started as users start it: {@code java -jar target/procpool-*.jar}, and
 * the Docker image's extracted layout with the image's own command. Runs after {@code package}.
 */
@Timeout(240)
class ServiceLayoutIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path JAR = Path.of(System.getProperty("procpool.it.jar", "target/procpool-0.1.0-SNAPSHOT.jar"));
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    /** A service JVM on a free port, with its output in a file. */
    record Service(Process process, int port, Path log) implements AutoCloseable {
        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    Service start(Path workDir, String... command) throws Exception {
        return start(workDir, java.util.Map.of(), command);
    }

    Service start(Path workDir, java.util.Map<String, String> environment, String... command) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.add("--server.port=" + port);
        cmd.add("--procpool.worker.socket-dir=" + tmp.resolve("sockets"));
        cmd.add("--procpool.shared.dir=" + tmp.resolve("shm"));
        Path log = tmp.resolve("service-" + port + ".log");
        var builder = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        var service = new Service(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("service exited early:\n%s", Files.readString(log)).isTrue();
            try {
                if (get(service, "/actuator/health").get("status").stringValue().equals("UP")) {
                    return service;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        service.close();
        throw new AssertionError("service did not become healthy:\n" + Files.readString(log));
    }

    JsonNode get(Service s, String path) throws IOException, InterruptedException {
        return send(s, HttpRequest.newBuilder(uri(s, path)).GET());
    }

    JsonNode post(Service s, String path, String body) throws IOException, InterruptedException {
        return send(s, HttpRequest.newBuilder(uri(s, path)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    String text(Service s, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(s, path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode send(Service s, HttpRequest.Builder b) throws IOException, InterruptedException {
        return JSON.readTree(http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static URI uri(Service s, String path) {
        return URI.create("http://localhost:" + s.port() + path);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    void runsAProcess(Service s) throws Exception {
        String id = post(s, "/api/processes", "{\"target\":\"demo.worker\",\"args\":[1]}").get("id").stringValue();
        JsonNode done = post(s, "/api/processes/" + id + "/join?timeout=60", null);
        assertThat(done.get("exitcode").intValue()).as(done.toString()).isZero();
        assertThat(text(s, "/api/processes/" + id + "/output")).isEqualTo("Worker 1 started\nWorker 1 finished\n");
        String sq = post(s, "/api/processes", "{\"target\":\"square\",\"args\":[12]}").get("id").stringValue();
        assertThat(post(s, "/api/processes/" + sq + "/join?timeout=60", null).get("result").longValue()).isEqualTo(144);
    }

    @Test
    void theExecutableJarRunsProcessesAndLeavesNoWorkerBehindWhenKilled() throws Exception {
        assertThat(JAR).exists();
        try (Service s = start(Path.of("."), java(), "-jar", JAR.toAbsolutePath().toString())) {
            runsAProcess(s);
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pids.add(post(s, "/api/processes", "{\"target\":\"sleep\",\"args\":[60]}").get("pid").longValue());
            }
            List<ProcessHandle> workers = s.process().descendants().toList();
            assertThat(workers.stream().map(ProcessHandle::pid).toList()).containsAll(pids);
            post(s, "/api/shared/values", "{\"name\":\"left-behind\",\"typecode\":\"i\"}");
            Path shm;
            try (var dirs = Files.list(tmp.resolve("shm"))) {
                shm = dirs.filter(d -> d.getFileName().toString().startsWith("procpool-" + s.process().pid() + "-")).findFirst().orElseThrow();
            }
            try (var files = Files.list(shm)) {
                assertThat(files.count()).isEqualTo(1);
            }

            s.process().destroyForcibly();
            s.process().waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && workers.stream().anyMatch(ProcessHandle::isAlive)) {
                Thread.sleep(100);
            }
            assertThat(workers).as("worker JVMs 5 s after the manager was SIGKILLed").noneMatch(ProcessHandle::isAlive);
            assertThat(shm).as("left by the killed manager until the next one starts").exists();
            try (Service next = start(Path.of("."), java(), "-jar", JAR.toAbsolutePath().toString())) {
                assertThat(shm).as("the next start removes what a killed manager left in shared memory").doesNotExist();
            }
        }
    }

    @Test
    void sigtermShutsTheServiceDownGracefullyAndLeavesNothingBehind() throws Exception {
        try (Service s = start(Path.of("."), java(), "-jar", JAR.toAbsolutePath().toString())) {
            post(s, "/api/shared/values", "{\"name\":\"v\",\"typecode\":\"i\"}");
            post(s, "/api/queues", "{\"name\":\"q\"}");
            post(s, "/api/pipes", "{}");
            long sleeper = post(s, "/api/processes", "{\"target\":\"sleep\",\"args\":[60]}").get("pid").longValue();
            post(s, "/api/pools/default/apply-async", "{\"target\":\"sleep\",\"args\":[60]}");
            List<ProcessHandle> workers = s.process().descendants().toList();
            assertThat(workers.stream().map(ProcessHandle::pid).toList()).contains(sleeper);
            Path shm = ownDirectory(tmp.resolve("shm"), s.process().pid());
            assertThat(shm).exists();
            // an open event stream must not hold the graceful shutdown for its whole 10 s phase
            var events = http.send(HttpRequest.newBuilder(uri(s, "/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
            var lines = events.body().iterator();
            assertThat(lines.next()).isEqualTo("event:snapshot");
            var streamEnded = new java.util.concurrent.CompletableFuture<Long>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (lines.hasNext()) {
                        lines.next();
                    }
                } catch (RuntimeException cut) {
                    // the connection closed: ended too
                }
                streamEnded.complete(System.nanoTime());
            });

            long t0 = System.nanoTime();
            s.process().destroy(); // SIGTERM
            assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM").isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double streamSeconds = (streamEnded.get(5, TimeUnit.SECONDS) - t0) / 1e9;
            System.out.printf("SIGTERM: event stream ended after %.2f s, the service exited after %.2f s%n", streamSeconds, seconds);
            assertThat(seconds).as("shutdown with an open event stream took %.1f s", seconds).isLessThan(9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && workers.stream().anyMatch(ProcessHandle::isAlive)) {
                Thread.sleep(100);
            }
            assertThat(workers).as("worker JVMs after a graceful shutdown").noneMatch(ProcessHandle::isAlive);
            assertThat(shm).as("shared memory after a graceful shutdown").doesNotExist();
            try (var left = Files.list(tmp.resolve("sockets"))) {
                assertThat(left.toList()).as("socket directories after a graceful shutdown").isEmpty();
            }
            assertThat(seconds).as("shutdown took %.1f s", seconds).isLessThan(25);
        }
    }

    private static Path ownDirectory(Path base, long pid) throws IOException {
        try (var dirs = Files.list(base)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("procpool-" + pid + "-")).findFirst().orElseThrow();
        }
    }

    @Test
    void theDockerImagesExtractedLayoutRunsProcessesWithTheImagesCommand() throws Exception {
        // the Dockerfile's build stage: copy the jar to procpool.jar and extract it
        Path build = Files.createDirectories(tmp.resolve("build"));
        Files.copy(JAR, build.resolve("procpool.jar"), StandardCopyOption.REPLACE_EXISTING);
        Process extract = new ProcessBuilder(java(), "-Djarmode=tools", "-jar", "procpool.jar", "extract", "--destination",
                tmp.resolve("app").toString()).directory(build.toFile()).inheritIO().start();
        assertThat(extract.waitFor()).isZero();
        assertThat(tmp.resolve("app/procpool.jar")).exists();
        assertThat(tmp.resolve("app/lib")).isDirectory();
        // the runtime stage's ENTRYPOINT, from WORKDIR /app, with compose.yaml's logging and shared-memory settings
        var compose = java.util.Map.of("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs", "PROCPOOL_SHARED_MAX_BYTES", "192MB");
        try (Service s = start(tmp.resolve("app"), compose, java(), "-jar", "procpool.jar")) {
            runsAProcess(s);
            // the dashboard is in the image
            assertThat(text(s, "/")).contains("<title>procpool</title>").contains("/dashboard/app.js");
            assertThat(text(s, "/dashboard/app.js")).contains("/api/events");
            // structured logging: every log line is one JSON document
            List<String> lines = Files.readAllLines(s.log()).stream().filter(l -> l.startsWith("{")).toList();
            assertThat(lines).as(Files.readString(s.log())).isNotEmpty();
            for (String line : lines) {
                JsonNode entry = JSON.readTree(line);
                assertThat(entry.has("@timestamp") && entry.has("message") && (entry.has("log") || entry.has("log.level"))).as(line).isTrue();
            }
            assertThat(lines).anyMatch(l -> l.contains("Started ProcpoolApplication"));
        }
    }
}
