package dev.procpool.process;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameChannel;
import dev.procpool.ipc.ProtocolException;

/**
 * The manager's side of one worker JVM: its operating-system process, its connection, its
 * captured output. Events from the worker go, in order, to the current listener on the
 * connection's reader thread. {@link #exited()} completes only after the process has exited
 * and its output and events have been read to the end, so whoever waits for it sees all of both.
 */
public final class Worker {

    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    /** How long to wait for output and events to drain after the JVM exited (a grandchild may hold the pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final String id;
    private final Process process;
    private final OutputBuffer output;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final CompletableFuture<Void> outputDone = new CompletableFuture<>();
    private final CompletableFuture<Void> eventsDone = new CompletableFuture<>();
    private volatile FrameChannel channel;
    private volatile Consumer<Event> listener = event -> { };
    /** Where queue and pipe calls of this worker's tasks go; set by the launcher. */
    volatile java.util.function.BiConsumer<Worker, Event.QueueRequest> requests = (w, r) -> { };
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile Integer declaredExitCode;

    Worker(String id, Process process, OutputBuffer output) {
        this.id = id;
        this.process = process;
        this.output = output;
        Thread.ofVirtual().name("procpool-output-" + id).start(this::pumpOutput);
        Thread.ofVirtual().name("procpool-exit-" + id).start(this::awaitExit);
    }

    void connected(FrameChannel channel) {
        this.channel = channel;
        lastHeardNanos = System.nanoTime();
        // a platform thread: woken by the kernel straight from its socket read, without the virtual
        // threads' poller hand-off, which matters for a pool's round trips
        Thread.ofPlatform().daemon().name("procpool-events-" + id).start(this::readEvents);
    }

    public String id() {
        return id;
    }

    public long pid() {
        return process.pid();
    }

    public OutputBuffer output() {
        return output;
    }

    /** Routes this worker's events to {@code listener} from now on. */
    public void listen(Consumer<Event> listener) {
        this.listener = listener;
    }

    public void send(Command command) throws IOException {
        FrameChannel c = channel;
        if (c == null) {
            throw new IOException("worker " + id + " is not connected");
        }
        c.send(command);
    }

    /** Sends a frame payload already encoded by {@code FrameCodec}. */
    public void sendPayload(byte[] payload) throws IOException {
        FrameChannel c = channel;
        if (c == null) {
            throw new IOException("worker " + id + " is not connected");
        }
        c.sendPayload(payload);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /** The JVM's raw exit status, once it has exited and everything it sent has been read. */
    public CompletableFuture<Integer> exited() {
        return exited;
    }

    /** The code the worker said it would exit with ({@link Event.Exiting}), or null if it said none. */
    public Integer declaredExitCode() {
        return declaredExitCode;
    }

    long nanosSinceHeard() {
        return System.nanoTime() - lastHeardNanos;
    }

    private void pumpOutput() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                output.append(buf, 0, n);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "output of worker {0} ended: {1}", id, e);
        } finally {
            output.close();
            outputDone.complete(null);
        }
    }

    private void readEvents() {
        FrameChannel c = channel;
        try {
            while (true) {
                Event event = c.readEvent();
                lastHeardNanos = System.nanoTime();
                if (event instanceof Event.Exiting(int code)) {
                    declaredExitCode = code;
                }
                try {
                    if (event instanceof Event.QueueRequest request) {
                        requests.accept(this, request);
                        continue;
                    }
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "handling " + event + " from worker " + id + " failed", e);
                }
            }
        } catch (ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "Worker(id={0}, pid={1}) broke the protocol: {2}; killing it",
                    id, pid(), e.getMessage());
            kill();
        } catch (IOException e) {
            // end of stream, or a reset because the exiting worker left a ping unread: what it sent was read first
        } finally {
            c.close();
            eventsDone.complete(null);
        }
    }

    private void awaitExit() {
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        await(outputDone);
        FrameChannel c = channel;
        if (c == null) {
            eventsDone.complete(null);
        } else {
            await(eventsDone);
            c.close();
        }
        exited.complete(code);
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // drained as far as it would go
        }
    }

    @Override
    public String toString() {
        return "Worker(id=" + id + ", pid=" + pid() + ")";
    }
}
