package dev.procpool.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.pool.Job;
import dev.procpool.pool.PoolManager;
import dev.procpool.pool.ProcessPool;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@code multiprocessing.Pool} over REST. */
@RestController
@RequestMapping(path = "/api/pools", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Pools", description = "multiprocessing.Pool: map, starmap, imap, apply and their async forms on worker JVMs")
class PoolController {

    static final String NDJSON = "application/x-ndjson";
    private static final String FAILURES = " A task that raises fails the call with 422 task-failed and the remote error {type, message, trace}; "
            + "a worker that dies is replaced and its chunk retried (procpool.pools.retries), then 502 worker-lost; "
            + "past the timeout the running tasks are killed and the call fails with 504 timeout. 429 when the pool's queue is full.";

    private final PoolManager pools;
    private final Callbacks callbacks;
    private final Duration maxWait;
    private final JsonMapper json = JsonMapper.builder().build();

    PoolController(PoolManager pools, Callbacks callbacks, ProcpoolProperties properties) {
        this.pools = pools;
        this.callbacks = callbacks;
        this.maxWait = properties.api().maxWait();
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a pool", description = "As Pool(processes, initializer, initargs, maxtasksperchild). 409 if the name is taken, 429 past procpool.pools.max-pools.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
            @ExampleObject(value = "{\"name\":\"squares\",\"processes\":4}"))))
    @ApiResponse(responseCode = "201", description = "Created; its workers start in the background")
    ResponseEntity<PoolViews.PoolView> create(@RequestBody PoolRequests.Create request) {
        ProcessPool p = pools.create(request.name(), request.processes(), request.maxtasksperchild(), request.initializer(),
                request.initargs());
        return ResponseEntity.created(URI.create("/api/pools/" + p.name())).body(PoolViews.PoolView.of(p.status()));
    }

    @GetMapping
    @Operation(summary = "List pools")
    List<PoolViews.PoolView> list() {
        return pools.list().stream().map(p -> PoolViews.PoolView.of(p.status())).toList();
    }

    @GetMapping("/{pool}")
    @Operation(summary = "A pool's state, workers (pid, state, current task, tasksDone) and item counts")
    PoolViews.PoolView get(@PathVariable String pool) {
        return PoolViews.PoolView.of(pools.get(pool).status());
    }

    @PostMapping(path = "/{pool}/apply", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Run one call and wait for its value", description = "As pool.apply(target, args, kwds) → {value}." + FAILURES)
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PoolViews.Value.class),
            examples = @ExampleObject(value = "{\"value\":100}")))
    Map<String, JsonNode> apply(@PathVariable String pool, @RequestBody PoolRequests.Apply request) throws InterruptedException {
        Duration timeout = Timeouts.of(request.timeout(), maxWait, "timeout");
        return Map.of("value", PoolViews.value(await(pools.apply(pool, required(request.target()), request.args(), request.kwargs(), timeout), timeout)));
    }

    @PostMapping(path = "/{pool}/apply-async", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start one call; answer 202 with an AsyncResult at once",
            description = "As pool.apply_async(...). Poll GET /api/results/{id}?wait=; with callback, the final AsyncResult is also POSTed there.")
    @ApiResponse(responseCode = "202", description = "Accepted; Location: /api/results/{id}")
    ResponseEntity<PoolViews.AsyncResult> applyAsync(@PathVariable String pool, @RequestBody PoolRequests.Apply request) {
        URI callback = request.callback() == null ? null : Callbacks.parse(request.callback());
        Duration timeout = request.timeout() == null ? null : Timeouts.of(request.timeout(), Duration.ofDays(365), "timeout");
        return accepted(pools.apply(pool, required(request.target()), request.args(), request.kwargs(), timeout), callback);
    }

    @PostMapping(path = "/{pool}/map", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Map a target over a list and wait for all values, in input order",
            description = "As pool.map(target, iterable, chunksize) → {value: [...]}. chunksize defaults as in Python: "
                    + "the items in four chunks per worker." + FAILURES,
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
            @ExampleObject(value = "{\"target\":\"demo.square\",\"iterable\":[0,1,2,3,4,5,6,7,8,9]}"))))
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PoolViews.Value.class),
            examples = @ExampleObject(value = "{\"value\":[0,1,4,9,16,25,36,49,64,81]}")))
    ResponseEntity<byte[]> map(@PathVariable String pool, @RequestBody PoolRequests.Map request) throws InterruptedException {
        return mapSync(pool, request, false);
    }

    @PostMapping(path = "/{pool}/starmap", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Like map, but each item is a list of arguments", description = "As pool.starmap(target, iterable, chunksize)." + FAILURES,
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
            @ExampleObject(value = "{\"target\":\"count_primes\",\"iterable\":[[0,100000],[100000,200000]]}"))))
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PoolViews.Value.class),
            examples = @ExampleObject(value = "{\"value\":[9592,8392]}")))
    ResponseEntity<byte[]> starmap(@PathVariable String pool, @RequestBody PoolRequests.Map request) throws InterruptedException {
        return mapSync(pool, request, true);
    }

    @PostMapping(path = "/{pool}/map-async", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start a map; answer 202 with an AsyncResult at once", description = "As pool.map_async(...).")
    @ApiResponse(responseCode = "202", description = "Accepted; Location: /api/results/{id}")
    ResponseEntity<PoolViews.AsyncResult> mapAsync(@PathVariable String pool, @RequestBody PoolRequests.Map request) {
        return mapAsync(pool, request, false);
    }

    @PostMapping(path = "/{pool}/starmap-async", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start a starmap; answer 202 with an AsyncResult at once", description = "As pool.starmap_async(...).")
    @ApiResponse(responseCode = "202", description = "Accepted; Location: /api/results/{id}")
    ResponseEntity<PoolViews.AsyncResult> starmapAsync(@PathVariable String pool, @RequestBody PoolRequests.Map request) {
        return mapAsync(pool, request, true);
    }

    @PostMapping(path = "/{pool}/imap", consumes = MediaType.APPLICATION_JSON_VALUE, produces = NDJSON)
    @Operation(summary = "Map, streaming each result as soon as it and all before it are ready",
            description = "As pool.imap(target, iterable, chunksize=1): application/x-ndjson, one line {\"index\": i, \"value\": v} per "
                    + "item in input order. If the call fails, the last line is {\"error\": {type, message, trace}}.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = NDJSON, examples = @ExampleObject(value = "{\"index\":0,\"value\":0}\n{\"index\":1,\"value\":1}\n")))
    ResponseEntity<ResponseBodyEmitter> imap(@PathVariable String pool, @RequestBody PoolRequests.Map request) {
        return stream(pool, request, true);
    }

    @PostMapping(path = "/{pool}/imap-unordered", consumes = MediaType.APPLICATION_JSON_VALUE, produces = NDJSON)
    @Operation(summary = "Map, streaming each result as soon as it is ready, in completion order",
            description = "As pool.imap_unordered(target, iterable, chunksize=1): lines {\"index\": i, \"value\": v}; on failure a last {\"error\": ...} line.")
    ResponseEntity<ResponseBodyEmitter> imapUnordered(@PathVariable String pool, @RequestBody PoolRequests.Map request) {
        return stream(pool, request, false);
    }

    @PostMapping("/{pool}/close")
    @Operation(summary = "Take no new work; queued work still runs, then the workers exit", description = "As pool.close().")
    PoolViews.PoolView close(@PathVariable String pool) {
        ProcessPool p = pools.get(pool);
        p.close();
        return PoolViews.PoolView.of(p.status());
    }

    @PostMapping("/{pool}/terminate")
    @Operation(summary = "Stop at once: kill the workers, fail queued and running calls", description = "As pool.terminate().")
    PoolViews.PoolView terminate(@PathVariable String pool) {
        ProcessPool p = pools.get(pool);
        p.terminate();
        return PoolViews.PoolView.of(p.status());
    }

    @PostMapping("/{pool}/join")
    @Operation(summary = "Wait for the workers of a closed or terminated pool to exit (long poll)",
            description = "As pool.join(): 409 while the pool is running. Answers the pool as it is when the workers are gone or the timeout passed.")
    PoolViews.PoolView join(@PathVariable String pool, @Parameter(description = "seconds") @RequestParam(required = false) Double timeout)
            throws InterruptedException {
        ProcessPool p = pools.get(pool);
        p.join(Timeouts.of(timeout, maxWait, "timeout"));
        return PoolViews.PoolView.of(p.status());
    }

    @DeleteMapping("/{pool}")
    @Operation(summary = "Terminate and forget a pool", description = "The default pool cannot be deleted (409).")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@PathVariable String pool) {
        pools.delete(pool);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"value": [...]}}, written from the workers' result text rather than from nodes. */
    private ResponseEntity<byte[]> mapSync(String pool, PoolRequests.Map request, boolean star) throws InterruptedException {
        Duration timeout = Timeouts.of(request.timeout(), maxWait, "timeout");
        Job job = await(pools.map(pool, required(request.target()), request.iterable(), request.chunksize(), star, timeout), timeout);
        byte[] body = job.valuesJson(VALUE_OPEN, VALUE_CLOSE);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static final byte[] VALUE_OPEN = "{\"value\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VALUE_CLOSE = {'}'};

    private ResponseEntity<PoolViews.AsyncResult> mapAsync(String pool, PoolRequests.Map request, boolean star) {
        URI callback = request.callback() == null ? null : Callbacks.parse(request.callback());
        Duration timeout = request.timeout() == null ? null : Timeouts.of(request.timeout(), Duration.ofDays(365), "timeout");
        return accepted(pools.map(pool, required(request.target()), request.iterable(), request.chunksize(), star, timeout), callback);
    }

    private ResponseEntity<PoolViews.AsyncResult> accepted(Job job, URI callback) {
        pools.keep(job);
        if (callback != null) {
            callbacks.whenDone(job, callback);
        }
        return ResponseEntity.accepted().location(URI.create("/api/results/" + job.id())).body(PoolViews.AsyncResult.of(job));
    }

    private ResponseEntity<ResponseBodyEmitter> stream(String pool, PoolRequests.Map request, boolean ordered) {
        Duration timeout = Timeouts.of(request.timeout(), maxWait, "timeout");
        Job job = pools.map(pool, required(request.target()), request.iterable(),
                request.chunksize() == null ? 1 : request.chunksize(), false, timeout);
        var emitter = new ResponseBodyEmitter(timeout.plusSeconds(10).toMillis());
        Thread.ofVirtual().name("procpool-imap-" + job.id()).start(() -> {
            try {
                writeLines(job, ordered, emitter);
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                pools.cancel(job); // the client went away
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                pools.cancel(job);
                emitter.complete();
            }
        });
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(NDJSON)).body(emitter);
    }

    /** Sends a line per result as it is ready, then an error line if the call failed. */
    private void writeLines(Job job, boolean ordered, ResponseBodyEmitter out) throws IOException, InterruptedException {
        for (int n = 0; n < job.total(); n++) {
            int index;
            JsonNode value;
            if (ordered) {
                index = n;
                while ((value = job.resultAt(index, 1000)) == null && !job.isDone()) {
                    // wait for it; the job's deadline ends the wait
                }
            } else {
                while ((index = job.completedAt(n, 1000)) < 0 && !job.isDone()) {
                    // wait for the next to complete
                }
                value = index < 0 ? null : job.resultAt(index);
            }
            if (value == null) {
                break;
            }
            var line = JsonNodeFactory.instance.objectNode();
            line.put("index", index);
            line.set("value", value);
            out.send(json.writeValueAsString(line) + "\n", MediaType.TEXT_PLAIN);
        }
        Job.Failure f = job.failure();
        if (f != null) {
            out.send(json.writeValueAsString(Map.of("error", PoolViews.error(f))) + "\n", MediaType.TEXT_PLAIN);
        }
    }

    /** Waits for a synchronous call; its own deadline ends it, so this wait only adds a margin. */
    private Job await(Job job, Duration timeout) throws InterruptedException {
        try {
            job.finished().get(timeout.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            pools.cancel(job);
        }
        Job.Failure f = job.failure();
        if (f != null) {
            throw new JobFailedException(f);
        }
        return job;
    }

    private static String required(String target) {
        if (target == null || target.isBlank()) {
            throw new BadRequestException("target", "target is required");
        }
        return target;
    }

}
