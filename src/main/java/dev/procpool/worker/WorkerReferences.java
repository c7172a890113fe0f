package dev.procpool.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.procpool.shared.Segment;
import dev.procpool.task.Handles;
import dev.procpool.task.References;

/**
 * A worker's side of shared-object references: the command's {@code refs} name the segment file
 * for each {@code "$kind:name"}; files are mapped once per worker and kept, at most
 * {@link #MAX_MAPPED} of them (the oldest unmapped first).
 */
final class WorkerReferences implements References {

    static final int MAX_MAPPED = 1024;

    private static final Map<String, Segment> MAPPED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Segment> eldest) {
            if (size() > MAX_MAPPED) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    private final Map<String, String> refs;
    private final dev.procpool.task.QueueTransport queues;

    WorkerReferences(Map<String, String> refs, dev.procpool.task.QueueTransport queues) {
        this.refs = refs;
        this.queues = queues;
    }

    @Override
    public Object resolve(Class<?> type, String kind, String name) {
        if (kind.equals("$queue")) {
            return refs.containsKey(kind + ":" + name) ? Handles.ofManaged(type, name, queues) : null;
        }
        int end = -1;
        if (kind.equals("$pipe")) {
            int hash = name.lastIndexOf('#');
            end = Integer.parseInt(name.substring(hash + 1));
            name = name.substring(0, hash);
        }
        String file = refs.get(kind + ":" + name);
        if (file == null) {
            return null;
        }
        Segment segment;
        synchronized (MAPPED) {
            segment = MAPPED.get(file);
            if (segment == null) {
                try {
                    segment = Segment.open(Path.of(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot map " + kind.substring(1) + " '" + name + "' (deleted?): " + e.getMessage(), e);
                }
                MAPPED.put(file, segment);
            }
        }
        return end >= 0 ? Handles.pipeEnd(segment, end) : Handles.of(type, segment, segment.lockable());
    }
}
