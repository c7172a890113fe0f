package dev.procpool.worker;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameChannel;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.ipc.ProtocolException;
import dev.procpool.ipc.RemoteError;
import dev.procpool.task.TaskContext;
import dev.procpool.task.TaskJson;
import dev.procpool.task.TaskMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The worker JVM: connects back to the manager's socket, shakes hands with its secret,
 * then runs the tasks it is sent, one at a time, on one task thread. It halts itself when
 * the manager's socket closes or falls silent, so a worker never outlives its manager.
 *
 * <p>Environment: {@code PROCPOOL_SOCKET} (socket path), {@code PROCPOOL_WORKER_ID},
 * {@code PROCPOOL_SECRET}, {@code PROCPOOL_HEARTBEAT_TIMEOUT_MS} (optional, default 30000).
 */
public final class WorkerMain {

    /** Exit code when the manager went away or broke the protocol. */
    static final int EXIT_MANAGER_GONE = 70;
    /** Exit code when the environment does not say where the manager is. */
    static final int EXIT_USAGE = 64;

    private final FrameChannel channel;
    private final FrameCodec codec;
    private final long heartbeatTimeoutMillis;
    private final LinkedBlockingQueue<Command> tasks = new LinkedBlockingQueue<>();
    private final Map<String, TaskMethod> methods = new ConcurrentHashMap<>();
    private volatile long lastHeardNanos = System.nanoTime();
    private final AtomicBoolean ending = new AtomicBoolean();

    private final QueueClient queues;

    private WorkerMain(FrameChannel channel, FrameCodec codec, long heartbeatTimeoutMillis) {
        this.queues = new QueueClient(channel);
        this.channel = channel;
        this.codec = codec;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    }

    public static void main(String[] args) {
        String socket = System.getenv("PROCPOOL_SOCKET");
        String workerId = System.getenv("PROCPOOL_WORKER_ID");
        String secret = System.getenv("PROCPOOL_SECRET");
        if (socket == null || workerId == null || secret == null) {
            System.err.println("WorkerMain is started by the procpool manager; PROCPOOL_SOCKET, PROCPOOL_WORKER_ID "
                    + "and PROCPOOL_SECRET must be set");
            System.exit(EXIT_USAGE);
        }
        long heartbeatTimeout = parseLong(System.getenv("PROCPOOL_HEARTBEAT_TIMEOUT_MS"), 30_000);
        var codec = new FrameCodec();
        Warmup.run(codec);
        FrameChannel channel;
        try {
            SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
            s.connect(UnixDomainSocketAddress.of(socket));
            channel = new FrameChannel(s, codec);
            channel.send(new Event.Hello(workerId, secret, ProcessHandle.current().pid()));
        } catch (IOException e) {
            System.err.println("procpool worker " + workerId + " cannot reach the manager at " + socket + ": " + e);
            Runtime.getRuntime().halt(EXIT_MANAGER_GONE);
            return;
        }
        new WorkerMain(channel, codec, heartbeatTimeout).run();
    }

    private static long parseLong(String text, long fallback) {
        try {
            return text == null ? fallback : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void run() {
        Thread.ofPlatform().daemon().name("procpool-task").start(this::taskLoop);
        Thread.ofPlatform().daemon().name("procpool-watchdog").start(this::watchdog);
        while (true) {
            Command command;
            try {
                command = channel.readCommand();
            } catch (IOException e) {
                if (ending.get()) {
                    awaitHalt();
                }
                if (!(e instanceof EOFException)) {
                    System.err.println("procpool worker: connection to the manager failed: " + e.getMessage());
                }
                halt(EXIT_MANAGER_GONE);
                return;
            }
            lastHeardNanos = System.nanoTime();
            switch (command) {
                case Command.RunTask run -> tasks.add(run);
                case Command.RunChunk chunk -> tasks.add(chunk);
                case Command.Ping ping -> send(new Event.Pong(ping.seq()));
                case Command.QueueReply reply -> queues.complete(reply);
                case Command.Shutdown shutdown -> {
                    if (!ending.compareAndSet(false, true)) {
                        awaitHalt();
                    }
                    System.out.flush();
                    channel.close();
                    System.exit(0); // an orderly exit, so a training run writes its AOT cache
                }
            }
        }
    }

    private void watchdog() {
        while (true) {
            try {
                Thread.sleep(Math.max(50, Math.min(1000, heartbeatTimeoutMillis / 4)));
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMillis)) {
                System.err.println("procpool worker: no word from the manager for " + heartbeatTimeoutMillis + " ms; exiting");
                halt(EXIT_MANAGER_GONE);
            }
        }
    }

    private void taskLoop() {
        while (true) {
            Command work;
            try {
                work = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            if (work instanceof Command.RunChunk chunk) {
                runChunk(chunk);
            } else if (work instanceof Command.RunTask run) {
                boolean ok = runTask(run);
                if (run.exitWhenDone()) {
                    exit(ok ? 0 : 1);
                }
            }
        }
    }

    private void runChunk(Command.RunChunk chunk) {
        TaskMethod method = null;
        int index = 0;
        ArrayNode results = TaskJson.MAPPER.createArrayNode();
        try {
            method = methods.computeIfAbsent(chunk.className() + '#' + chunk.target(), k -> load(chunk.className(), chunk.target()));
            JsonNode items = chunk.items();
            Context context = new Context(chunk.chunkId());
            var refs = new WorkerReferences(chunk.refs(), queues);
            for (int n = items.size(); index < n; index++) {
                JsonNode item = items.get(index);
                Object[] arguments = switch (chunk.spread()) {
                    case ONE -> method.bindItem(item, false, context, refs);
                    case ARGS -> method.bindItem(item, true, context, refs);
                    case CALL -> method.bind(item.get("args"), item.get("kwargs"), context, refs);
                };
                Object value = method.invoke(arguments);
                results.add(TaskJson.toJson(value));
            }
            queues.flushAll(); // the chunk's puts are in their queues before it is reported done
            try {
                channel.sendPayload(codec.encodeChunkDone(chunk.chunkId(), results));
            } catch (ProtocolException tooLarge) {
                throw new IllegalStateException("the chunk's results do not fit in one frame; use a smaller chunksize: "
                        + tooLarge.getMessage());
            } catch (IOException e) {
                halt(EXIT_MANAGER_GONE);
            }
        } catch (Throwable t) {
            int failed = Math.min(index, Math.max(0, chunk.items().size() - 1));
            while (results.size() > failed) {
                results.remove(results.size() - 1);
            }
            send(new Event.ChunkFailed(chunk.chunkId(), failed, results, Traces.remoteError(t, method == null ? null : method.method())));
            if (t instanceof OutOfMemoryError) {
                halt(1); // the heap may be left in any state; the pool replaces this worker
            }
        }
    }

    private boolean runTask(Command.RunTask run) {
        TaskMethod method = null;
        try {
            method = methods.computeIfAbsent(run.className() + '#' + run.target(), k -> load(run.className(), run.target()));
            send(new Event.TaskStarted(run.taskId()));
            Object[] arguments = method.bind(run.args(), run.kwargs(), new Context(run.taskId()), new WorkerReferences(run.refs(), queues));
            Object value = method.invoke(arguments);
            queues.flushAll(); // as Python joins a process's queue feeder at its end
            JsonNode result = TaskJson.toJson(value);
            try {
                channel.send(new Event.TaskDone(run.taskId(), result));
            } catch (ProtocolException tooLarge) {
                throw new IllegalStateException("the task's result does not fit in one frame: " + tooLarge.getMessage());
            } catch (IOException e) {
                halt(EXIT_MANAGER_GONE);
            }
            return true;
        } catch (Throwable t) {
            RemoteError error = Traces.remoteError(t, method == null ? null : method.method());
            System.err.print(error.trace());
            System.err.flush();
            send(new Event.TaskFailed(run.taskId(), error));
            return false;
        }
    }

    private static TaskMethod load(String className, String target) {
        try {
            return TaskMethod.find(Class.forName(className), target);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("task class " + className + " is not on the worker's class path", e);
        }
    }

    private void send(Event event) {
        try {
            channel.send(event);
        } catch (IOException e) {
            halt(EXIT_MANAGER_GONE); // or, if another thread is already ending the JVM, wait for that
        }
    }

    private void exit(int code) {
        System.out.flush();
        System.err.flush();
        send(new Event.Exiting(code));
        halt(code);
    }

    /**
     * Ends the JVM now. The connection is closed first: HotSpot's exit waits up to 300 ms for
     * threads blocked in native code, such as the reader in a socket read, to come out of it.
     */
    private void halt(int code) {
        if (!ending.compareAndSet(false, true)) {
            awaitHalt(); // the first caller's exit code stands, e.g. a task's 0 over a late Pong's failure
        }
        System.out.flush();
        System.err.flush();
        channel.close();
        Runtime.getRuntime().halt(code);
    }

    /** The reader, woken by the close in {@link #halt}, waits here for the halt to take the JVM down. */
    private static void awaitHalt() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // keep waiting: the JVM is halting
            }
        }
    }

    private final class Context implements TaskContext {
        private final long taskId;

        Context(long taskId) {
            this.taskId = taskId;
        }

        @Override
        public PrintStream out() {
            return System.out;
        }

        @Override
        public PrintStream err() {
            return System.err;
        }

        @Override
        public void progress(long done, long total) {
            send(new Event.TaskProgress(taskId, done, total));
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public void exit(int code) {
            WorkerMain.this.exit(code);
        }
    }
}
