package dev.procpool.process;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.procpool.shared.Segment;
import dev.procpool.shared.SharedObjectException;
import dev.procpool.shared.SharedObjects;
import dev.procpool.task.Handles;
import dev.procpool.task.References;

/**
 * The manager's side of task arguments such as {@code {"$value": "num"}}: checks that the object
 * exists before anything runs, and notes the segment file a worker maps for it, sent along as the
 * command's {@code refs}.
 */
public final class SharedReferences {

    /** No shared objects: every reference is to one that does not exist. */
    public static final SharedReferences NONE = new SharedReferences(null, (kind, name) -> false);

    private final SharedObjects objects;
    private final java.util.function.BiPredicate<String, String> managerObjects;

    /**
     * @param objects        the shared-memory objects ({@code $value}, {@code $lock}, ...)
     * @param managerObjects whether a manager-held object exists: {@code ("$queue", name)}, {@code ("$pipe", id)}
     */
    public SharedReferences(SharedObjects objects, java.util.function.BiPredicate<String, String> managerObjects) {
        this.objects = objects;
        this.managerObjects = managerObjects;
    }

    /** A resolver for one call; after binding, {@link Call#refs()} holds what the call refers to. */
    public Call call() {
        return new Call();
    }

    /** The references of one call. */
    public final class Call implements References {
        private final Map<String, String> refs = new LinkedHashMap<>();

        @Override
        public Object resolve(Class<?> type, String kind, String name) {
            if (kind.equals("$queue")) {
                // served by the manager over the worker's connection: nothing to map, only to check
                if (!managerObjects.test(kind, name)) {
                    return null;
                }
                refs.put(kind + ":" + name, "manager");
                return name;
            }
            if (kind.equals("$pipe")) {
                name = name.substring(0, Math.max(0, name.lastIndexOf('#'))); // "id#end": the segment is the pipe's
            }
            if (objects == null) {
                return null;
            }
            for (Segment.Kind k : Handles.segmentKinds(kind)) {
                try {
                    SharedObjects.Entry e = objects.get(k, name);
                    refs.put(kind + ":" + name, e.file().toString());
                    return e;
                } catch (SharedObjectException.NotFound next) {
                    // try the next kind the reference may name
                }
            }
            return null;
        }

        /** {@code "$kind:name"} to segment file, for the worker. */
        public Map<String, String> refs() {
            return Map.copyOf(refs);
        }
    }
}
