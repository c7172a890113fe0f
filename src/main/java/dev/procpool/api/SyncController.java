package dev.procpool.api;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.procpool.config.ProcpoolProperties;
import dev.procpool.shared.RobustLock;
import dev.procpool.shared.Segment;
import dev.procpool.shared.SharedBarrier;
import dev.procpool.shared.SharedCondition;
import dev.procpool.shared.SharedEvent;
import dev.procpool.shared.SharedObjects;
import dev.procpool.shared.SharedSemaphore;
import io.swagger.v3.oas.annotations.Operation;
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

/** Locks, semaphores, events, conditions and barriers: created here, used by tasks, observed here. */
@RestController
@RequestMapping(path = "/api/sync", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Synchronisation", description = "Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier in shared memory")
class SyncController {

    private final SharedObjects objects;
    private final Duration maxWait;

    SyncController(SharedObjects objects, ProcpoolProperties properties) {
        this.objects = objects;
        this.maxWait = properties.api().maxWait();
    }

    @PostMapping(path = "/{kind}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a synchronisation object",
            description = "kind: locks, rlocks, semaphores, bounded-semaphores, events, conditions, barriers. value: a semaphore's starting "
                    + "count (default 1); parties: a barrier's (required). Tasks use it through {\"$lock\": name}, {\"$rlock\": ...}, "
                    + "{\"$semaphore\": ...} (both semaphore kinds), {\"$event\": ...}, {\"$condition\": ...}, {\"$barrier\": ...}.")
    ResponseEntity<Map<String, Object>> create(@PathVariable String kind, @RequestBody SharedRequests.CreateSync r) {
        Segment.Kind k = kind(kind);
        if (r.value() != null && k != Segment.Kind.SEMAPHORE && k != Segment.Kind.BOUNDED_SEMAPHORE) {
            throw new BadRequestException("value", "only semaphores take a value");
        }
        if (r.parties() != null && k != Segment.Kind.BARRIER) {
            throw new BadRequestException("parties", "only barriers take parties");
        }
        int value = r.value() == null ? 1 : r.value();
        if (value < 0) {
            throw new BadRequestException("value", "a semaphore's value must be >= 0, got " + value);
        }
        if (k == Segment.Kind.BARRIER && (r.parties() == null || r.parties() < 1)) {
            throw new BadRequestException("parties", "a barrier needs parties >= 1");
        }
        var e = objects.create(k, r.name(), null, 1, true);
        switch (k) {
            case SEMAPHORE, BOUNDED_SEMAPHORE -> new SharedSemaphore(e.segment()).init(value);
            case BARRIER -> new SharedBarrier(e.segment()).init(r.parties());
            default -> { }
        }
        return ResponseEntity.created(URI.create("/api/sync/" + kind + "/" + e.name())).body(state(kind, e));
    }

    @GetMapping("/{kind}")
    @Operation(summary = "List the objects of a kind, with their state")
    List<Map<String, Object>> list(@PathVariable String kind) {
        return objects.list(kind(kind)).stream().map(e -> state(kind, e)).toList();
    }

    /** Every synchronisation object's state, all kinds (sent by /api/events). */
    static List<Map<String, Object>> all(SharedObjects objects) {
        var out = new java.util.ArrayList<Map<String, Object>>();
        for (String kind : KINDS) {
            objects.list(kind(kind)).forEach(e -> out.add(state(kind, e)));
        }
        return out;
    }

    private static final List<String> KINDS = List.of("locks", "rlocks", "semaphores", "bounded-semaphores", "events", "conditions", "barriers");

    @GetMapping("/{kind}/{name}")
    @Operation(summary = "One object's state",
            description = "Locks, rlocks, conditions: locked, ownerPid, holdCount, waiters, ownerDied. Semaphores: value, initial, holders "
                    + "{pid: permits}, waiters, bounded. Events: isSet, waiters. Barriers: parties, waiting, broken.")
    Map<String, Object> get(@PathVariable String kind, @PathVariable String name) {
        return state(kind, objects.get(kind(kind), name));
    }

    @DeleteMapping("/{kind}/{name}")
    @Operation(summary = "Delete an object", description = "Workers that mapped it keep their mapping until they drop it.")
    ResponseEntity<Void> delete(@PathVariable String kind, @PathVariable String name) {
        objects.delete(kind(kind), name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/events/{name}/set")
    @Operation(summary = "event.set(): wakes every waiter")
    Map<String, Object> set(@PathVariable String name) {
        var e = objects.get(Segment.Kind.EVENT, name);
        new SharedEvent(e.segment()).set();
        return state("events", e);
    }

    @PostMapping("/events/{name}/clear")
    @Operation(summary = "event.clear()")
    Map<String, Object> clear(@PathVariable String name) {
        var e = objects.get(Segment.Kind.EVENT, name);
        new SharedEvent(e.segment()).clear();
        return state("events", e);
    }

    @PostMapping("/events/{name}/wait")
    @Operation(summary = "event.wait(timeout): long poll until set", description = "→ {isSet}; false when the timeout (at most procpool.api.max-wait) ended first")
    Map<String, Object> await(@PathVariable String name, @RequestParam(required = false) Double timeout) throws InterruptedException {
        Duration limit = Timeouts.of(timeout, maxWait, "timeout");
        var event = new SharedEvent(objects.get(Segment.Kind.EVENT, name).segment());
        // a request thread is virtual: the event's wait parks it rather than holding a platform thread
        return Map.of("isSet", event.await(limit.toNanos()));
    }

    private static Segment.Kind kind(String kind) {
        return switch (kind) {
            case "locks" -> Segment.Kind.LOCK;
            case "rlocks" -> Segment.Kind.RLOCK;
            case "semaphores" -> Segment.Kind.SEMAPHORE;
            case "bounded-semaphores" -> Segment.Kind.BOUNDED_SEMAPHORE;
            case "events" -> Segment.Kind.EVENT;
            case "conditions" -> Segment.Kind.CONDITION;
            case "barriers" -> Segment.Kind.BARRIER;
            default -> throw new BadRequestException("kind", "kind must be one of locks, rlocks, semaphores, bounded-semaphores, events, "
                    + "conditions, barriers; got '" + kind + "'");
        };
    }

    private static Map<String, Object> state(String kind, SharedObjects.Entry e) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", e.name());
        out.put("kind", kind);
        Segment s = e.segment();
        switch (s.kind()) {
            case LOCK, RLOCK, CONDITION -> {
                RobustLock lock = s.lock();
                int owner = lock.ownerPid();
                out.put("locked", owner != 0);
                out.put("ownerPid", owner == 0 ? null : owner);
                out.put("holdCount", lock.holdCount());
                out.put("waiters", s.kind() == Segment.Kind.CONDITION ? new SharedCondition(s).waiters() : lock.waiters());
                out.put("ownerDied", lock.ownerDied());
            }
            case SEMAPHORE, BOUNDED_SEMAPHORE -> {
                var sem = new SharedSemaphore(s);
                out.put("value", sem.value());
                out.put("initial", sem.initial());
                out.put("bounded", sem.bounded());
                out.put("holders", sem.holders());
                out.put("waiters", sem.waiters());
            }
            case EVENT -> {
                var ev = new SharedEvent(s);
                out.put("isSet", ev.isSet());
                out.put("waiters", ev.waiters());
            }
            case BARRIER -> {
                var b = new SharedBarrier(s);
                out.put("parties", b.parties());
                out.put("waiting", b.waiting());
                out.put("broken", b.broken());
            }
            default -> { }
        }
        return out;
    }
}
