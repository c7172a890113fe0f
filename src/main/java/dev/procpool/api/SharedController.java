package dev.procpool.api;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.procpool.shared.RobustLock;
import dev.procpool.shared.Segment;
import dev.procpool.shared.SharedObjects;
import dev.procpool.shared.TypeCode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code Value}, {@code Array} and {@code SharedMemory} over REST, read and written in the shared memory itself. */
@RestController
@RequestMapping(path = "/api/shared", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Shared memory", description = "multiprocessing.Value, Array and shared_memory.SharedMemory in real shared memory")
class SharedController {

    /** Elements one GET of an array returns at most; page with start and stop. */
    static final int MAX_ELEMENTS_PER_READ = 100_000;
    /** Elements of each array in the snapshot; longer arrays are cut and marked truncated. */
    static final int SNAPSHOT_ELEMENTS = 1_000;
    /** Bytes one GET of a shared memory block returns at most. */
    static final int MAX_BYTES_PER_READ = 1 << 20;
    /** How long the snapshot waits for each object's lock before reading it anyway (marked), and for all of them together. */
    static final long SNAPSHOT_LOCK_NANOS = 500_000_000L;
    static final long SNAPSHOT_TOTAL_NANOS = 2_000_000_000L;
    /** How long an atomic add waits for the value's lock before it is a 409 shared-locked. */
    static final long LOCK_WAIT_NANOS = 10_000_000_000L;

    private final SharedObjects objects;

    SharedController(SharedObjects objects) {
        this.objects = objects;
    }

    @PostMapping(path = "/values", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a Value", description = "As Value(typecode, value, lock=True). Integers out of the type's range are refused (400); "
            + "409 when the name is taken; 413 past procpool.shared.max-bytes or max-objects.")
    ResponseEntity<Map<String, Object>> createValue(@RequestBody SharedRequests.CreateValue r) {
        TypeCode type = TypeCode.of(r.typecode());
        Object initial = r.value() == null || r.value().isNull() ? type.zero() : SharedJson.fromJson(r.value(), "value");
        long bits = type.toBits(initial); // checked before anything is made
        var e = objects.create(Segment.Kind.VALUE, r.name(), type, 1, r.lock() == null || r.lock());
        e.segment().setBits(0, bits);
        return ResponseEntity.created(URI.create("/api/shared/values/" + e.name())).body(value(e));
    }

    @GetMapping("/values")
    @Operation(summary = "List Values")
    List<Map<String, Object>> values() {
        return objects.list(Segment.Kind.VALUE).stream().map(SharedController::value).toList();
    }

    @GetMapping("/values/{name}")
    @Operation(summary = "Read a Value", description = "One atomic read: {name, typecode, value, lock}")
    Map<String, Object> getValue(@PathVariable String name) {
        return value(objects.get(Segment.Kind.VALUE, name));
    }

    @PutMapping(path = "/values/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Write a Value", description = "value.value = v, one atomic write")
    Map<String, Object> setValue(@PathVariable String name, @RequestBody SharedRequests.SetValue r) {
        var e = objects.get(Segment.Kind.VALUE, name);
        e.segment().set(0, SharedJson.fromJson(r.value(), "value"));
        return value(e);
    }

    @PostMapping(path = "/values/{name}/add", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Add to a Value atomically", description = "Under the value's lock; integers wrap at their width as in C. → {value}; "
            + "409 shared-locked when a task holds the lock for more than 10 s")
    Map<String, Object> add(@PathVariable String name, @RequestBody SharedRequests.Add r) {
        var e = objects.get(Segment.Kind.VALUE, name);
        Object result = e.segment().add(0, SharedJson.fromJson(r.delta(), "delta"), LOCK_WAIT_NANOS);
        return Map.of("value", SharedJson.toJson(result));
    }

    @PostMapping(path = "/arrays", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create an Array", description = "As Array(typecode, values or size, lock=True)")
    ResponseEntity<Map<String, Object>> createArray(@RequestBody SharedRequests.CreateArray r) {
        TypeCode type = TypeCode.of(r.typecode());
        boolean hasValues = r.values() != null && !r.values().isNull();
        if (hasValues == (r.size() != null)) {
            throw new BadRequestException("values", "give either values (a list) or size, not both and not neither");
        }
        long[] bits = null;
        long length;
        if (hasValues) {
            if (!r.values().isArray() || r.values().isEmpty()) {
                throw new BadRequestException("values", "values must be a non-empty list");
            }
            bits = bits(type, r.values(), "values");
            length = bits.length;
        } else {
            length = r.size();
        }
        var e = objects.create(Segment.Kind.ARRAY, r.name(), type, length, r.lock() == null || r.lock());
        if (bits != null) {
            for (int i = 0; i < bits.length; i++) {
                e.segment().setBits(i, bits[i]);
            }
        }
        return ResponseEntity.created(URI.create("/api/shared/arrays/" + e.name())).body(array(e, 0, (int) Math.min(length, MAX_ELEMENTS_PER_READ)));
    }

    @GetMapping("/arrays")
    @Operation(summary = "List Arrays (without their values)")
    List<Map<String, Object>> arrays() {
        return objects.list(Segment.Kind.ARRAY).stream().map(e -> (Map<String, Object>) array(e, 0, 0)).toList();
    }

    @GetMapping("/arrays/{name}")
    @Operation(summary = "Read an Array or a slice", description = "arr[start:stop] (defaults 0 and the length); at most "
            + MAX_ELEMENTS_PER_READ + " elements per read")
    Map<String, Object> getArray(@PathVariable String name, @RequestParam(required = false) Long start,
                                 @RequestParam(required = false) Long stop) {
        var e = objects.get(Segment.Kind.ARRAY, name);
        long length = e.segment().length();
        long from = start == null ? 0 : start;
        long to = stop == null ? length : stop;
        if (from < 0 || to > length || from > to) {
            throw new BadRequestException("start", "slice " + from + ":" + to + " is outside 0:" + length);
        }
        if (to - from > MAX_ELEMENTS_PER_READ) {
            throw new BadRequestException("stop", "at most " + MAX_ELEMENTS_PER_READ + " elements per read; page with start and stop");
        }
        return array(e, (int) from, (int) to);
    }

    @PutMapping(path = "/arrays/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Write a slice", description = "arr[start:start+len(values)] = values, all checked before any is written")
    Map<String, Object> setSlice(@PathVariable String name, @RequestBody SharedRequests.SetSlice r) {
        var e = objects.get(Segment.Kind.ARRAY, name);
        long start = r.start() == null ? 0 : r.start();
        if (r.values() == null || !r.values().isArray()) {
            throw new BadRequestException("values", "values must be a list");
        }
        long[] bits = bits(e.segment().type(), r.values(), "values");
        if (start < 0 || start + bits.length > e.segment().length()) {
            throw new BadRequestException("start", bits.length + " values from " + start + " do not fit an array of " + e.segment().length());
        }
        for (int i = 0; i < bits.length; i++) {
            e.segment().setBits(start + i, bits[i]);
        }
        return array(e, (int) start, (int) (start + bits.length));
    }

    @PostMapping(path = "/memory", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a SharedMemory block", description = "size bytes, all zero")
    ResponseEntity<Map<String, Object>> createMemory(@RequestBody SharedRequests.CreateMemory r) {
        if (r.size() == null) {
            throw new BadRequestException("size", "size is required");
        }
        var e = objects.create(Segment.Kind.MEMORY, r.name(), null, r.size(), false);
        return ResponseEntity.created(URI.create("/api/shared/memory/" + e.name())).body(Map.of("name", e.name(), "size", r.size()));
    }

    @GetMapping("/memory/{name}")
    @Operation(summary = "Read bytes of a SharedMemory block", description = "→ {name, size, offset, data (base64)}; at most 1 MiB per read")
    Map<String, Object> readMemory(@PathVariable String name, @RequestParam(required = false) Long offset,
                                   @RequestParam(required = false) Long length) {
        var e = objects.get(Segment.Kind.MEMORY, name);
        long size = e.segment().length();
        long from = offset == null ? 0 : offset;
        long count = length == null ? Math.min(size - Math.max(0, from), MAX_BYTES_PER_READ) : length;
        if (from < 0 || count < 0 || from + count > size || count > MAX_BYTES_PER_READ) {
            throw new BadRequestException("length", "bytes " + from + ".." + (from + count) + " are outside 0.." + size
                    + " or more than " + MAX_BYTES_PER_READ + " at once");
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("name", name);
        out.put("size", size);
        out.put("offset", from);
        out.put("data", Base64.getEncoder().encodeToString(e.segment().readBytes(from, (int) count)));
        return out;
    }

    @GetMapping
    @Operation(summary = "Snapshot of every Value, Array and SharedMemory block",
            description = "Each value and array read under its own lock (waiting up to 0.5 s for it, 2 s for all; if a holder keeps it longer, "
                    + "read anyway and marked consistent: false). Arrays show at most " + SNAPSHOT_ELEMENTS + " elements (truncated: true).")
    Map<String, Object> snapshot() {
        return snapshot(objects);
    }

    /** Every value and array, each read under its lock, and the memory blocks' sizes (also sent by /api/events). */
    static Map<String, Object> snapshot(SharedObjects objects) {
        long deadline = System.nanoTime() + SNAPSHOT_TOTAL_NANOS;
        var values = new ArrayList<Map<String, Object>>();
        for (var e : objects.list(Segment.Kind.VALUE)) {
            values.add(underLock(e, deadline, () -> value(e)));
        }
        var arrays = new ArrayList<Map<String, Object>>();
        for (var e : objects.list(Segment.Kind.ARRAY)) {
            arrays.add(underLock(e, deadline, () -> {
                var a = array(e, 0, (int) Math.min(e.segment().length(), SNAPSHOT_ELEMENTS));
                a.put("truncated", e.segment().length() > SNAPSHOT_ELEMENTS);
                return a;
            }));
        }
        var memory = objects.list(Segment.Kind.MEMORY).stream()
                .map(e -> (Map<String, Object>) Map.<String, Object>of("name", e.name(), "size", e.segment().length())).toList();
        var out = new LinkedHashMap<String, Object>();
        out.put("timestamp", Instant.now().toString());
        out.put("values", values);
        out.put("arrays", arrays);
        out.put("memory", memory);
        out.put("usedBytes", objects.usedBytes());
        out.put("maxBytes", objects.limits().maxBytes());
        return out;
    }

    @DeleteMapping("/{kind}/{name}")
    @Operation(summary = "Delete a Value, Array or SharedMemory block", description = "kind: values, arrays or memory. Its file is removed; "
            + "workers that mapped it keep their mapping until they drop it.")
    ResponseEntity<Void> delete(@PathVariable String kind, @PathVariable String name) {
        Segment.Kind k = switch (kind) {
            case "values" -> Segment.Kind.VALUE;
            case "arrays" -> Segment.Kind.ARRAY;
            case "memory" -> Segment.Kind.MEMORY;
            default -> throw new BadRequestException("kind", "kind must be values, arrays or memory, got '" + kind + "'");
        };
        objects.delete(k, name);
        return ResponseEntity.noContent().build();
    }

    private static Map<String, Object> underLock(SharedObjects.Entry e, long deadline, java.util.function.Supplier<Map<String, Object>> read) {
        RobustLock lock = e.segment().lock();
        long wait = Math.max(0, Math.min(SNAPSHOT_LOCK_NANOS, deadline - System.nanoTime()));
        boolean held = lock.acquire(wait) != RobustLock.Outcome.TIMED_OUT;
        try {
            var out = new LinkedHashMap<>(read.get());
            out.put("consistent", held);
            return out;
        } finally {
            if (held) {
                lock.release();
            }
        }
    }

    private static long[] bits(TypeCode type, JsonNode values, String field) {
        long[] bits = new long[values.size()];
        for (int i = 0; i < bits.length; i++) {
            try {
                bits[i] = type.toBits(SharedJson.fromJson(values.get(i), field + "[" + i + "]"));
            } catch (IllegalArgumentException ex) {
                throw new BadRequestException(field + "[" + i + "]", field + "[" + i + "]: " + ex.getMessage());
            }
        }
        return bits;
    }

    private static Map<String, Object> value(SharedObjects.Entry e) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", e.name());
        out.put("typecode", String.valueOf(e.segment().type().code()));
        out.put("value", SharedJson.toJson(e.segment().get(0)));
        out.put("lock", e.lockable());
        return out;
    }

    private static LinkedHashMap<String, Object> array(SharedObjects.Entry e, int from, int to) {
        var out = new LinkedHashMap<String, Object>();
        out.put("name", e.name());
        out.put("typecode", String.valueOf(e.segment().type().code()));
        out.put("length", e.segment().length());
        out.put("lock", e.lockable());
        if (to > from || from == 0 && to == 0 && e.segment().length() == 0) {
            var values = new ArrayList<JsonNode>(to - from);
            for (int i = from; i < to; i++) {
                values.add(SharedJson.toJson(e.segment().get(i)));
            }
            if (from != 0 || to != e.segment().length()) {
                out.put("start", from);
                out.put("stop", to);
            }
            out.put("values", values);
        }
        return out;
    }
}
