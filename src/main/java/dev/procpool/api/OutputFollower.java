package dev.procpool.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.procpool.process.OutputBuffer;
import dev.procpool.process.ProcessManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Streams a process's output as server-sent events, a line an event, until the process ends. */
final class OutputFollower {

    /** Lines longer than this are sent in pieces, so one event stays small. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    private static final Duration POLL = Duration.ofMillis(500);

    private OutputFollower() {
    }

    static void stream(ProcessManager processes, String id, Duration maxWait, SseEmitter emitter)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long offset = 0;
        var line = new ByteArrayOutputStream();
        while (System.nanoTime() < deadline) {
            OutputBuffer buffer = processes.output(id);
            if (buffer == null) {
                if (processes.ended(id).isDone()) {
                    break;
                }
                Thread.sleep(POLL);
                continue;
            }
            OutputBuffer.Chunk chunk = buffer.readFrom(offset, POLL);
            if (chunk.start() > offset) {
                emitter.send(SseEmitter.event().name("dropped").data(Long.toString(chunk.start() - offset)));
            }
            for (byte b : chunk.bytes()) {
                if (b == '\n' || line.size() >= MAX_LINE_BYTES) {
                    emitLine(emitter, line);
                    if (b == '\n') {
                        continue;
                    }
                }
                line.write(b);
            }
            offset = chunk.end();
            if (chunk.closed() && chunk.bytes().length == 0) {
                processes.ended(id).join();
                break;
            }
        }
        if (line.size() > 0) {
            emitLine(emitter, line);
        }
        emitter.send(SseEmitter.event().name("exit").data(ProcessResponse.of(processes.get(id)),
                org.springframework.http.MediaType.APPLICATION_JSON));
    }

    private static void emitLine(SseEmitter emitter, ByteArrayOutputStream line) throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        emitter.send(SseEmitter.event().name("output").data(text));
        line.reset();
    }
}
