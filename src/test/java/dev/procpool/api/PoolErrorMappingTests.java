package dev.procpool.api;

import dev.procpool.pool.Items;
import dev.procpool.pool.Job;
import dev.procpool.pool.PoolBusyException;
import dev.procpool.pool.PoolManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.when;

/** The pool controller's mapping of a full queue, which needs a million queued items to provoke for real. */
@WebMvcTest(PoolController.class)
@Import({BoundProperties.class, Callbacks.class})
class PoolErrorMappingTests {

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    PoolManager pools;

    @Test
    void aFullQueueIs429WithRetryAfterAndTheLimit() {
        when(pools.map(any(), any(), any(Items.class), any(), anyBoolean(), any()))
                .thenThrow(new PoolBusyException("pool 'default' has 999999 items waiting; at most 1000000 may wait", 1_000_000));
        var result = mvc.post().uri("/api/pools/default/map").contentType(MediaType.APPLICATION_JSON)
                .content("{\"target\":\"square\",\"iterable\":[1,2]}").exchange();
        assertThat(result).hasStatus(429).hasContentType(MediaType.APPLICATION_PROBLEM_JSON).hasHeader("Retry-After", "1");
        assertThat(result).bodyJson().extractingPath("$.type").isEqualTo("https://procpool.dev/problems/pool-busy");
        assertThat(result).bodyJson().extractingPath("$.limit").isEqualTo(1_000_000);
    }

    @Test
    void aLostWorkerIs502NamingIt() {
        var failure = new Job.Failure(Job.FailureKind.WORKER_LOST, "worker pid 4711 exited with code -9 while running square items [0, 50)", null);
        when(pools.map(any(), any(), any(Items.class), any(), anyBoolean(), any())).thenThrow(new JobFailedException(failure));
        var result = mvc.post().uri("/api/pools/default/map").contentType(MediaType.APPLICATION_JSON)
                .content("{\"target\":\"square\",\"iterable\":[1,2]}").exchange();
        assertThat(result).hasStatus(502).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result).bodyJson().extractingPath("$.error.type").isEqualTo("WorkerLostError");
        assertThat(result).bodyJson().extractingPath("$.detail").asString().contains("pid 4711").contains("-9");
    }
}
