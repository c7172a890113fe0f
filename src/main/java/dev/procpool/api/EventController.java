package dev.procpool.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/events}: the service's lifecycle as server-sent events, for dashboards and scripts. */
@RestController
@RequestMapping("/api/events")
@Tag(name = "Events", description = "Live events: processes, workers, pools, task progress, queues, shared state")
class EventController {

    private final LiveEvents events;

    EventController(LiveEvents events) {
        this.events = events;
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Stream lifecycle events (text/event-stream)", description = """
            Every event's data is one JSON document. First a `snapshot` event: {timestamp, pools, jobs, processes (the 100 most \
            recent), queues, shared, sync, throughput: {until (epoch second), completed: [tasks completed in each of the 300 \
            seconds up to it]}, interval}. Then, as things happen:
            - `process` {event: started|exited, process, startupMillis?} — startupMillis from start asked to the task running;
            - `worker` {event: started|exited|launch-failed, pool, pid, exitcode?, cause?, replaced?} — cause: crashed, recycled \
            (maxtasksperchild), timed-out, initializer-failed, stopped; replaced: the pool starts another in its place;
            - `pool` {pool, state: created|closed|terminated|deleted};
            - `tasks` [{pool, target, completed, failed, retried}] — counts since the last `tasks` event, gathered every \
            procpool.events.interval (250 ms), so a 100,000-item map sends a few events a second, not one per task;
            - `jobs` [{id, pool, target, done, total, ready, successful?, error?}] — progress of map/starmap/imap calls that \
            moved (apply calls are counted in `tasks` only); a call appears once more with ready: true when it ends;
            - `pools` [Pool] — every pool as GET /api/pools shows it, when any changed (at most once an interval);
            - `queues` [{name, size, maxsize, joinable, unfinished, waitingGets, createdAt}] — when a depth changed, checked twice a second;
            - `shared` (as GET /api/shared, without timestamp) and `sync` [state of every lock, semaphore, event, condition and \
            barrier] — when they changed, checked once a second;
            - `skipped` {events} — lifecycle events left out because more than 200 happened in one interval;
            - `dropped` — this client fell procpool.events.buffer (512) events or buffer-bytes (8 MB) behind and was \
            disconnected; reconnect for a fresh snapshot.
            A comment line is sent every 15 s on a quiet stream; a stream ends after procpool.events.max-stream (30 min) — \
            EventSource reconnects by itself. At most procpool.events.max-clients (32) streams at once, then 429.""")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/event-stream", examples = @ExampleObject(value = """
            event:pool
            data:{"pool":"batch","state":"created"}

            event:jobs
            data:[{"id":"r1f2e3d4c5b6a","pool":"default","target":"square","done":5000,"total":10000,"ready":false}]
            """)))
    @ApiResponse(responseCode = "429", description = "Too many streams open", content = @Content(mediaType = "application/problem+json"))
    SseEmitter events() {
        return events.open();
    }
}
