package dev.procpool.api;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.pool.Job;
import dev.procpool.pool.PoolManager;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code AsyncResult} over REST. */
@RestController
@RequestMapping(path = "/api/results", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Async results", description = "AsyncResult of apply-async, map-async and starmap-async")
class ResultController {

    private final PoolManager pools;
    private final Duration maxWait;

    ResultController(PoolManager pools, ProcpoolProperties properties) {
        this.pools = pools;
        this.maxWait = properties.api().maxWait();
    }

    @GetMapping("/{id}")
    @Operation(summary = "An async result, optionally waiting for it to be ready (long poll)",
            description = "As result.ready()/successful()/get(timeout): {id, ready, successful?, value?, error?, progress {done, total}}. "
                    + "Results are kept for procpool.pools.result-ttl (10 min) after they are ready, at most procpool.pools.max-results (10,000).")
    PoolViews.AsyncResult get(@PathVariable String id,
                              @Parameter(description = "seconds to wait for readiness") @RequestParam(required = false) Double wait)
            throws InterruptedException {
        Job job = pools.result(id);
        if (wait != null) {
            try {
                job.finished().get(Timeouts.of(wait, maxWait, "wait").toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // not ready yet: answered as it is
            }
        }
        return PoolViews.AsyncResult.of(job);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Cancel what has not started and forget the result",
            description = "Chunks already running finish; their results are dropped.")
    ResponseEntity<Void> delete(@PathVariable String id) {
        pools.cancel(id);
        return ResponseEntity.noContent().build();
    }
}
