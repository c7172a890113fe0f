package dev.procpool.api;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.process.OutputBuffer;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.ProcessSnapshot;
import dev.procpool.process.ProcessState;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code multiprocessing.Process} over REST: each process runs one target in a worker JVM of its own. */
@RestController
@RequestMapping(path = "/api/processes", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Processes", description = "multiprocessing.Process: run one target in a separate worker JVM")
@ApiResponse(responseCode = "400", description = "Bad input", content = @Content(mediaType = "application/problem+json",
        schema = @Schema(implementation = ProblemDetail.class)))
class ProcessController {

    private static final String PROCESS_EXAMPLE = """
            {"id":"p3f9c2a1b7e0d","name":"Process-1","target":"demo.worker","daemon":false,"pid":4711,
             "state":"exited","alive":false,"exitcode":0,"result":null,"createdAt":"2026-11-24T10:00:00Z",
             "startedAt":"2026-11-24T10:00:00.01Z","endedAt":"2026-11-24T10:00:02.1Z","outputBytes":36,"outputDroppedBytes":0}""";

    private final ProcessManager processes;
    private final Duration maxWait;

    ProcessController(ProcessManager processes, ProcpoolProperties properties) {
        this.processes = processes;
        this.maxWait = properties.api().maxWait();
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a process, and start it unless start is false",
            description = "As Process(target=..., args=..., kwargs=..., name=..., daemon=...).start(). The target and its "
                    + "arguments are checked against the task's signature before any worker is used. Returns 201 with "
                    + "Location once the process is running (or created, with start=false). 429 when procpool.processes.max-live "
                    + "processes already run.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples = {
                    @ExampleObject(name = "demo.worker", value = "{\"target\":\"demo.worker\",\"args\":[1]}"),
                    @ExampleObject(name = "kwargs", value = "{\"target\":\"count_primes\",\"kwargs\":{\"start\":0,\"stop\":100000}}"),
                    @ExampleObject(name = "created only", value = "{\"target\":\"sleep\",\"args\":[60],\"name\":\"sleeper\",\"start\":false}")})))
    @ApiResponse(responseCode = "201", description = "Created (and running)",
            content = @Content(schema = @Schema(implementation = ProcessResponse.class), examples = @ExampleObject(value = PROCESS_EXAMPLE)))
    @ApiResponse(responseCode = "429", description = "Too many live processes", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "503", description = "A worker JVM could not be started", content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<ProcessResponse> create(@RequestBody ProcessRequest request) {
        if (request.target() == null || request.target().isBlank()) {
            throw new BadRequestException("target", "target is required");
        }
        var spec = new ProcessManager.Spec(request.target(), request.args(), request.kwargs(), request.name(),
                Boolean.TRUE.equals(request.daemon()));
        ProcessSnapshot s = processes.create(spec, request.start() == null || request.start());
        return ResponseEntity.created(URI.create("/api/processes/" + s.id())).body(ProcessResponse.of(s));
    }

    @GetMapping
    @Operation(summary = "List processes, oldest first", description = "At most procpool.processes.max-retained records are kept.")
    List<ProcessResponse> list(@Parameter(description = "only processes in this state", schema = @Schema(allowableValues = {"created", "running", "exited"}))
                               @RequestParam(required = false) String state) {
        ProcessState filter = null;
        if (state != null) {
            try {
                filter = ProcessState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("state", "state must be one of created, running, exited");
            }
        }
        return processes.list(filter).stream().map(ProcessResponse::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get one process")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProcessResponse.class),
            examples = @ExampleObject(value = PROCESS_EXAMPLE)))
    @ApiResponse(responseCode = "404", description = "No such process", content = @Content(mediaType = "application/problem+json"))
    ProcessResponse get(@PathVariable String id) {
        return ProcessResponse.of(processes.get(id));
    }

    @PostMapping("/{id}/start")
    @Operation(summary = "Start a created process", description = "As p.start(). 409 if it was already started.")
    @ApiResponse(responseCode = "409", description = "Already started", content = @Content(mediaType = "application/problem+json"))
    ProcessResponse start(@PathVariable String id) {
        return ProcessResponse.of(processes.start(id));
    }

    @PostMapping("/{id}/join")
    @Operation(summary = "Wait for a process to exit (long poll)",
            description = "As p.join(timeout): waits until the process exits or the timeout passes, then returns it as it is "
                    + "(check state or exitcode). Without timeout it waits up to procpool.api.max-wait (default 300 s). "
                    + "409 if the process was never started.")
    ProcessResponse join(@PathVariable String id,
                         @Parameter(description = "seconds, fractions allowed", example = "5")
                         @RequestParam(required = false) Double timeout) throws InterruptedException {
        return ProcessResponse.of(processes.join(id, Timeouts.of(timeout, maxWait, "timeout")));
    }

    @PostMapping("/{id}/terminate")
    @Operation(summary = "Send SIGTERM", description = "As p.terminate(): exitcode becomes -15. If the worker does not exit within "
            + "procpool.processes.terminate-grace it is killed (-9). Waits up to 2 s for the exit before answering. "
            + "No-op on an exited process; 409 on one never started.")
    ProcessResponse terminate(@PathVariable String id) throws InterruptedException {
        return ProcessResponse.of(processes.terminate(id));
    }

    @PostMapping("/{id}/kill")
    @Operation(summary = "Send SIGKILL", description = "As p.kill(): exitcode becomes -9. Waits up to 2 s for the exit before "
            + "answering. No-op on an exited process; 409 on one never started.")
    ProcessResponse kill(@PathVariable String id) throws InterruptedException {
        return ProcessResponse.of(processes.kill(id));
    }

    @GetMapping(path = "/{id}/output", produces = {MediaType.TEXT_PLAIN_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    @Operation(summary = "Captured stdout and stderr",
            description = "text/plain: everything captured so far (at most procpool.worker.output-cap, default 1 MB; older bytes "
                    + "are dropped, and the header X-Output-Dropped-Bytes counts them). With follow=true: text/event-stream, one "
                    + "'output' event per line as it is printed, then one 'exit' event carrying the process JSON; the stream "
                    + "ends when the process ends.")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "text/plain", examples = @ExampleObject(value = "Worker 1 started\nWorker 1 finished\n")),
            @Content(mediaType = "text/event-stream", examples = @ExampleObject(value = "event:output\ndata:Worker 1 started\n\n"))})
    ResponseEntity<?> output(@PathVariable String id, @RequestParam(defaultValue = "false") boolean follow) {
        processes.get(id);
        OutputBuffer buffer = processes.output(id);
        if (follow) {
            return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(follow(id));
        }
        OutputBuffer.Chunk chunk = buffer == null ? null : buffer.snapshot();
        String text = chunk == null ? "" : new String(chunk.bytes(), StandardCharsets.UTF_8);
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .header("X-Output-Dropped-Bytes", Long.toString(chunk == null ? 0 : chunk.dropped()))
                .body(text);
    }

    private SseEmitter follow(String id) {
        SseEmitter emitter = new SseEmitter(maxWait.toMillis() + 5_000);
        Thread.ofVirtual().name("procpool-follow-" + id).start(() -> {
            try {
                OutputFollower.stream(processes, id, maxWait, emitter);
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                emitter.complete();
            }
        });
        return emitter;
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Forget a process", description = "409 while it is alive.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "409", description = "Still alive", content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<Void> delete(@PathVariable String id) {
        processes.delete(id);
        return ResponseEntity.noContent().build();
    }
}
