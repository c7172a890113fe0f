package dev.procpool.api;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.queue.Queues;
import dev.procpool.shared.Segment;
import dev.procpool.shared.SharedObjects;
import dev.procpool.shared.SharedPipe;
import dev.procpool.task.TaskJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code Queue}, {@code JoinableQueue} and {@code Pipe} over REST. A waiting call is a long poll
 * on a virtual thread waiting for a future: thousands of them hold no platform thread.
 */
@RestController
@Tag(name = "Queues and pipes", description = "multiprocessing.Queue, JoinableQueue and Pipe, owned by the manager: exact sizes, nothing lost when a consumer dies")
class QueueController {

    /** Items one drain returns at most. */
    static final int MAX_DRAIN = 100_000;

    @Schema(name = "QueueRequest", description = "As Queue(maxsize) or JoinableQueue(maxsize)")
    record CreateQueue(@Schema(example = "q", requiredMode = Schema.RequiredMode.REQUIRED) String name,
                       @Schema(example = "0", description = "0: no limit but procpool.queues.max-size") Integer maxsize,
                       @Schema(description = "task_done() and join() work on it") Boolean joinable) {
    }

    @Schema(name = "PutRequest")
    record Put(@Schema(example = "42", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode item,
               @Schema(description = "Seconds to wait for room; 0: do not wait (put_nowait); absent: procpool.api.max-wait") Double timeout) {
    }

    @Schema(name = "PipeRequest", description = "As Pipe(duplex)")
    record CreatePipe(@Schema(description = "Default true; false: end 0 only receives, end 1 only sends") Boolean duplex) {
    }

    @Schema(name = "SendRequest")
    record Send(@Schema(example = "\"hello\"", requiredMode = Schema.RequiredMode.REQUIRED) JsonNode item,
                @Schema(description = "Seconds to wait for room in the pipe") Double timeout) {
    }

    /** Bytes of each end's ring in a pipe's segment. */
    static final int PIPE_RING_BYTES = 256 * 1024;

    private final Queues queues;
    private final SharedObjects objects;
    private final Duration maxWait;

    QueueController(Queues queues, SharedObjects objects, ProcpoolProperties properties) {
        this.queues = queues;
        this.objects = objects;
        this.maxWait = properties.api().maxWait();
    }

    @PostMapping(path = "/api/queues", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a queue", description = "409 when the name is taken; 429 past procpool.queues.max-queues")
    ResponseEntity<Queues.QueueInfo> create(@RequestBody CreateQueue r) {
        var info = queues.create(r.name(), r.maxsize() == null ? 0 : r.maxsize(), r.joinable() != null && r.joinable());
        return ResponseEntity.created(URI.create("/api/queues/" + info.name())).body(info);
    }

    @GetMapping(path = "/api/queues", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List queues")
    List<Queues.QueueInfo> list() {
        return queues.list();
    }

    @GetMapping(path = "/api/queues/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A queue's exact size, maxsize, unfinished count and waiting gets")
    Queues.QueueInfo get(@PathVariable String name) {
        return queues.info(name);
    }

    @PostMapping(path = "/api/queues/{name}/put", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "queue.put(item, timeout)", description = "204 once it is in; 409 queue-full when there was no room by the timeout; "
            + "413 for an item over procpool.queues.max-item-size")
    ResponseEntity<Void> put(@PathVariable String name, @RequestBody Put r) throws InterruptedException {
        byte[] item = item(r.item());
        Duration limit = Timeouts.of(r.timeout(), maxWait, "timeout");
        if (!await(queues.put(name, List.of(item), limit.toNanos(), 0), limit)) {
            throw new QueueFullException("queue '" + name + "' is full: no room within " + limit.toMillis() + " ms");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/api/queues/{name}/get", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "queue.get(timeout): a long poll", description = "200 {item}; 204 (no body) when it stayed empty until the timeout "
            + "(0: get_nowait; absent: procpool.api.max-wait)")
    ResponseEntity<byte[]> take(@PathVariable String name, @RequestParam(required = false) Double timeout) throws InterruptedException {
        Duration limit = Timeouts.of(timeout, maxWait, "timeout");
        List<byte[]> got = await(queues.get(name, 1, limit.toNanos(), 0, 0), limit);
        return got.isEmpty() ? ResponseEntity.noContent().build() : json(ITEM, got.getFirst(), null);
    }

    @PostMapping(path = "/api/queues/{name}/drain", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Take what is there now, never waiting", description = "200 {items: [...]}, at most max (default and cap " + MAX_DRAIN + ")")
    ResponseEntity<byte[]> drain(@PathVariable String name, @RequestParam(required = false) Integer max) {
        int n = max == null ? MAX_DRAIN : max;
        if (n < 1 || n > MAX_DRAIN) {
            throw new BadRequestException("max", "max must be 1.." + MAX_DRAIN + ", got " + n);
        }
        return json(ITEMS, null, queues.drain(name, n));
    }

    @PostMapping(path = "/api/queues/{name}/task-done")
    @Operation(summary = "queue.task_done() (joinable queues)", description = "409 queue-state when called more times than items were put")
    ResponseEntity<Void> taskDone(@PathVariable String name) {
        queues.taskDone(name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/api/queues/{name}/join", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "queue.join(): a long poll until every item put is done", description = "200 {joined, unfinished}")
    Map<String, Object> join(@PathVariable String name, @RequestParam(required = false) Double timeout) throws InterruptedException {
        Duration limit = Timeouts.of(timeout, maxWait, "timeout");
        boolean joined = await(queues.join(name, limit.toNanos()), limit);
        return Map.of("joined", joined, "unfinished", queues.info(name).unfinished());
    }

    @DeleteMapping("/api/queues/{name}")
    @Operation(summary = "Delete a queue", description = "Its items are dropped; calls waiting on it end with 404.")
    ResponseEntity<Void> delete(@PathVariable String name) {
        queues.delete(name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/api/pipes", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a pipe", description = "→ 201 {id, duplex, pending}; its ends are 0 and 1, for tasks {\"$pipe\": id, \"end\": 0}. "
            + "A pipe lives in shared memory: a ring of " + PIPE_RING_BYTES / 1024 + " KiB per end, counted against procpool.shared.max-bytes.")
    ResponseEntity<Map<String, Object>> createPipe(@RequestBody CreatePipe r) {
        String id = "pp" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        var e = objects.create(Segment.Kind.PIPE, id, null, PIPE_RING_BYTES, false);
        new SharedPipe(e.segment()).init(r.duplex() == null || r.duplex());
        return ResponseEntity.created(URI.create("/api/pipes/" + id)).body(pipe(e));
    }

    @GetMapping(path = "/api/pipes", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List pipes")
    List<Map<String, Object>> pipes() {
        return objects.list(Segment.Kind.PIPE).stream().map(QueueController::pipe).toList();
    }

    @GetMapping(path = "/api/pipes/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A pipe: {id, duplex, pending: [messages waiting for end 0, for end 1]}")
    Map<String, Object> pipeInfo(@PathVariable String id) {
        return pipe(objects.get(Segment.Kind.PIPE, id));
    }

    @PostMapping(path = "/api/pipes/{id}/{end}/send", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "conn.send(item) on one end: the other end receives it",
            description = "204; 409 queue-full when the other end's ring had no room by the timeout; 413 for an item over the ring")
    ResponseEntity<Void> send(@PathVariable String id, @PathVariable int end, @RequestBody Send r) {
        byte[] item = item(r.item());
        Duration limit = Timeouts.of(r.timeout(), maxWait, "timeout");
        if (!pipe(id).send(end, item, limit.toNanos())) {
            throw new QueueFullException("pipe " + id + " is full: no room within " + limit.toMillis() + " ms");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/api/pipes/{id}/{end}/recv", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "conn.recv() on one end: a long poll", description = "200 {item}; 204 when nothing came by the timeout")
    ResponseEntity<byte[]> recv(@PathVariable String id, @PathVariable int end, @RequestParam(required = false) Double timeout) {
        Duration limit = Timeouts.of(timeout, maxWait, "timeout");
        byte[] got = pipe(id).recv(end, limit.toNanos());
        return got == null ? ResponseEntity.noContent().build() : json(ITEM, got, null);
    }

    @GetMapping(path = "/api/pipes/{id}/{end}/poll", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "conn.poll(timeout)", description = "{ready}: whether this end has something to receive (waiting up to timeout, default 0)")
    Map<String, Object> poll(@PathVariable String id, @PathVariable int end, @RequestParam(required = false) Double timeout) {
        Duration limit = timeout == null ? Duration.ZERO : Timeouts.of(timeout, maxWait, "timeout");
        return Map.of("ready", pipe(id).poll(end, limit.toNanos()));
    }

    @DeleteMapping("/api/pipes/{id}")
    @Operation(summary = "Delete a pipe")
    ResponseEntity<Void> deletePipe(@PathVariable String id) {
        objects.delete(Segment.Kind.PIPE, id);
        return ResponseEntity.noContent().build();
    }

    private SharedPipe pipe(String id) {
        return new SharedPipe(objects.get(Segment.Kind.PIPE, id).segment());
    }

    private static Map<String, Object> pipe(SharedObjects.Entry e) {
        var p = new SharedPipe(e.segment());
        var out = new LinkedHashMap<String, Object>();
        out.put("id", e.name());
        out.put("duplex", p.duplex());
        out.put("pending", new int[] {p.pending(0), p.pending(1)});
        return out;
    }

    /** Thrown when a put or send found no room by its timeout: 409 queue-full. */
    static final class QueueFullException extends RuntimeException {
        QueueFullException(String message) {
            super(message);
        }
    }

    private static final byte[] ITEM = "{\"item\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ITEMS = "{\"items\":[".getBytes(StandardCharsets.US_ASCII);

    /** {@code {"item": …}} or {@code {"items": […]}} from the items' JSON text as stored. */
    private static ResponseEntity<byte[]> json(byte[] head, byte[] one, List<byte[]> many) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(head);
        if (one != null) {
            out.writeBytes(one);
        } else {
            for (int i = 0; i < many.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(many.get(i));
            }
            out.write(']');
        }
        out.write('}');
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out.toByteArray());
    }

    private static byte[] item(JsonNode item) {
        if (item == null || item.isMissingNode()) {
            throw new BadRequestException("item", "item is required (any JSON value; null is an item too: send it as null)");
        }
        return TaskJson.MAPPER.writeValueAsBytes(item);
    }

    /** Waits for a queue's future, a little past its own timeout (which completes it). */
    private static <T> T await(CompletableFuture<T> f, Duration limit) throws InterruptedException {
        try {
            return f.get(limit.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a queue operation outlived its own timeout", e);
        }
    }
}
