package dev.procpool.task;

import dev.procpool.shared.SharedPipe;
import tools.jackson.databind.JsonNode;

/**
 * One end of a task's {@code multiprocessing.Pipe} ({@code {"$pipe": id, "end": 0}}): what one
 * end sends, the other receives, in order. The pipe is in shared memory: messages go from one
 * process to the other directly. A one-way pipe's end 0 only receives and end 1 only sends.
 */
public final class PipeHandle {

    private final SharedPipe pipe;
    private final int end;

    PipeHandle(SharedPipe pipe, int end) {
        this.pipe = pipe;
        this.end = end;
    }

    /** {@code conn.send(obj)}: waits only while the other end's ring is full. */
    public void send(Object item) {
        pipe.send(end, TaskJson.MAPPER.writeValueAsBytes(TaskJson.toJson(item)), -1);
    }

    /** {@code conn.recv()}: waits as long as it takes. */
    public JsonNode recv() {
        return recv(-1);
    }

    /** Waits up to {@code timeoutSeconds}. @throws QueueEmptyException when nothing came */
    public JsonNode recv(double timeoutSeconds) {
        byte[] message = pipe.recv(end, Handles.nanos(timeoutSeconds));
        if (message == null) {
            throw new QueueEmptyException("nothing came on end " + end + " of the pipe");
        }
        return TaskJson.MAPPER.readTree(message);
    }

    /** {@code conn.poll(timeout)}: whether something is there to receive, waiting up to that long. */
    public boolean poll(double timeoutSeconds) {
        return pipe.poll(end, Math.max(0, Handles.nanos(timeoutSeconds)));
    }

    public int end() {
        return end;
    }
}
