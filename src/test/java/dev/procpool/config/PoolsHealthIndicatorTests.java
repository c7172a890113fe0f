package dev.procpool.config;

import dev.procpool.pool.PoolManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/** The pools health indicator over the real pools: UP with each pool's workers, OUT_OF_SERVICE once the context closes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"procpool.pools.default-processes=2", "procpool.worker.spares=1"})
@Timeout(60)
class PoolsHealthIndicatorTests {

    @Autowired
    PoolManager pools;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void upWithThePoolsWorkersThenOutOfServiceWhenTheServiceShutsDown() throws Exception {
        // a fresh indicator over the context's pools, so closing it does not touch the shared context's own
        var indicator = new PoolsHealthIndicator(pools);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!indicator.health().getStatus().equals(Status.UP) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        var up = indicator.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails().get("default").toString()).contains("state=running").contains("processes=2");

        indicator.onApplicationEvent(new ContextClosedEvent(context));
        var closing = indicator.health();
        assertThat(closing.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(closing.getDetails().get("detail")).isEqualTo("the service is shutting down");
    }
}
