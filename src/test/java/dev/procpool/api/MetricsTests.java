package dev.procpool.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** /actuator/prometheus shows procpool's meters with real values after real work. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1"})
@Timeout(120)
class MetricsTests {

    @LocalServerPort
    int port;

    @Test
    void aMapAQueueAValueACrashAndAProcessShowInThePrometheusScrape() throws Exception {
        var client = new TestHttp(port);
        assertThat(client.post("/api/pools", "{\"name\":\"metered\",\"processes\":1}").status()).isEqualTo(201);
        assertThat(client.post("/api/pools/metered/map", "{\"target\":\"square\",\"iterable\":[1,2,3,4,5,6,7,8,9,10,11,12]}").status())
                .isEqualTo(200);
        // a task that kills its worker: retried once on a new worker, which dies too; the call fails
        assertThat(client.post("/api/pools/metered/apply", "{\"target\":\"exit\",\"args\":[3]}").status()).isEqualTo(502);
        TestHttp.Reply process = client.post("/api/processes", "{\"target\":\"echo\",\"args\":[1]}");
        client.join(process.json().get("id").stringValue());
        client.post("/api/queues", "{\"name\":\"metered\"}");
        client.post("/api/queues/metered/put", "{\"item\":1}");
        client.post("/api/queues/metered/put", "{\"item\":2}");
        client.post("/api/shared/values", "{\"name\":\"metered\",\"typecode\":\"d\"}");
        Thread.sleep(2500); // new pools and queues get their gauges within 2 s
        TestHttp.Reply scrape = client.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        String text = scrape.body();
        String square = "\\{pool=\"metered\",target=\"square\"";
        assertThat(value(text, "procpool_tasks_submitted_total" + square + "\\}")).isEqualTo(12);
        assertThat(value(text, "procpool_tasks_completed_total" + square + "\\}")).isEqualTo(12);
        assertThat(value(text, "procpool_tasks_failed_total" + square + "\\}")).isZero();
        assertThat(value(text, "procpool_tasks_run_seconds_count" + square + "\\}")).isPositive();
        assertThat(value(text, "procpool_tasks_run_seconds_sum" + square + "\\}")).isPositive();
        assertThat(value(text, "procpool_tasks_wait_seconds_count" + square + "\\}")).isPositive();
        assertThat(value(text, "procpool_tasks_run_seconds" + square + ",quantile=\"0.99\"\\}")).isPositive();
        assertThat(value(text, "procpool_tasks_wait_seconds" + square + ",quantile=\"0.5\"\\}")).isGreaterThanOrEqualTo(0);
        String exit = "\\{pool=\"metered\",target=\"exit\"\\}";
        assertThat(value(text, "procpool_tasks_retried_total" + exit)).isEqualTo(1);
        assertThat(value(text, "procpool_tasks_failed_total" + exit)).isEqualTo(1);
        assertThat(value(text, "procpool_workers_restarts_total\\{cause=\"crashed\",pool=\"metered\"\\}")).isEqualTo(2);
        assertThat(value(text, "procpool_processes_started_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "procpool_processes_startup_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "procpool_processes_startup_seconds\\{quantile=\"0.95\"\\}")).isPositive();
        assertThat(value(text, "procpool_tasks_pending\\{pool=\"metered\"\\}")).isZero();
        assertThat(value(text, "procpool_pool_workers\\{pool=\"metered\",state=\"idle\"\\}")
                + value(text, "procpool_pool_workers\\{pool=\"metered\",state=\"starting\"\\}")).isEqualTo(1);
        assertThat(value(text, "procpool_pool_workers\\{pool=\"metered\",state=\"busy\"\\}")).isZero();
        assertThat(value(text, "procpool_queue_depth\\{queue=\"metered\"\\}")).isEqualTo(2);
        assertThat(value(text, "procpool_workers_live")).isGreaterThanOrEqualTo(2);
        assertThat(value(text, "procpool_shared_memory_used_bytes")).isGreaterThan(0);
        assertThat(text).contains("procpool_processes_live").contains("procpool_queues_bytes").contains("http_server_requests_seconds_count");

        // a deleted pool takes its meters with it
        client.send("DELETE", "/api/pools/metered", null);
        assertThat(client.get("/actuator/prometheus").body()).doesNotContain("pool=\"metered\"");
        client.send("DELETE", "/api/queues/metered", null);
        client.send("DELETE", "/api/shared/values/metered", null);
    }

    @Test
    void workerRestartsAreCountedByCause() throws Exception {
        var client = new TestHttp(port);
        try {
            // recycled: one chunk per worker
            assertThat(client.post("/api/pools", "{\"name\":\"recycler\",\"processes\":1,\"maxtasksperchild\":1}").status()).isEqualTo(201);
            assertThat(client.post("/api/pools/recycler/map", "{\"target\":\"square\",\"iterable\":[1,2,3],\"chunksize\":1}").status())
                    .isEqualTo(200);
            // timed out: the pool kills the worker running the late call
            assertThat(client.post("/api/pools", "{\"name\":\"late\",\"processes\":1}").status()).isEqualTo(201);
            long ready = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!client.get("/api/pools/late").body().contains("\"state\":\"idle\"") && System.nanoTime() < ready) {
                Thread.sleep(50); // the call must reach a worker before its timeout, or there is nothing to kill
            }
            assertThat(client.post("/api/pools/late/apply", "{\"target\":\"sleep\",\"args\":[30],\"timeout\":0.5}").status())
                    .isEqualTo(504);
            // the initializer raises: the worker is killed and another tried, a second later
            assertThat(client.post("/api/pools", "{\"name\":\"bad-init\",\"processes\":1,\"initializer\":\"fail\",\"initargs\":[\"no\"]}")
                    .status()).isEqualTo(201);
            String recycled = "procpool_workers_restarts_total\\{cause=\"recycled\",pool=\"recycler\"\\}";
            String timedOut = "procpool_workers_restarts_total\\{cause=\"timed-out\",pool=\"late\"\\}";
            String initFailed = "procpool_workers_restarts_total\\{cause=\"initializer-failed\",pool=\"bad-init\"\\}";
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            String text = client.get("/actuator/prometheus").body();
            // the last retirement is reported when that worker has exited, after the map answered
            while (!(has(text, recycled) && value(text, recycled) >= 3 && has(text, timedOut) && has(text, initFailed))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
                text = client.get("/actuator/prometheus").body();
            }
            assertThat(value(text, recycled)).as("each of the three chunks retired its worker").isEqualTo(3);
            assertThat(value(text, timedOut)).isEqualTo(1);
            assertThat(value(text, initFailed)).isGreaterThanOrEqualTo(1);
            assertThat(text).doesNotContain("cause=\"crashed\",pool=\"recycler\"").doesNotContain("cause=\"crashed\",pool=\"late\"");
        } finally {
            for (String pool : new String[] {"recycler", "late", "bad-init"}) {
                client.send("DELETE", "/api/pools/" + pool, null);
            }
        }
    }

    private static boolean has(String scrape, String series) {
        return Pattern.compile("(?m)^" + series + "\\s").matcher(scrape).find();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "\\s+([0-9.eE+-]+)$").matcher(scrape);
        assertThat(m.find()).as(series + " in\n" + scrape.lines().filter(l -> l.startsWith("procpool")).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
