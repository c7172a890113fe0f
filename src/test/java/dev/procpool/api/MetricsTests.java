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

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "\\s+([0-9.eE+-]+)$").matcher(scrape);
        assertThat(m.find()).as(series + " in\n" + scrape.lines().filter(l -> l.startsWith("procpool")).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
