package dev.procpool.task;

import dev.procpool.shared.Segment;

/** A task's {@code shared_memory.SharedMemory} block ({@code {"$memory": name}}): raw bytes. */
public final class MemoryHandle {

    private final Segment segment;

    MemoryHandle(Segment segment) {
        this.segment = segment;
    }

    /** Python's {@code shm.size}. */
    public long size() {
        return segment.length();
    }

    public byte[] read(long offset, int length) {
        return segment.readBytes(offset, length);
    }

    public void write(long offset, byte[] bytes) {
        segment.writeBytes(offset, bytes);
    }
}
