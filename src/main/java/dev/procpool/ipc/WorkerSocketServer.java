package dev.procpool.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The manager's Unix domain socket. It lives in a fresh directory with mode 0700, so only
 * this user can connect at all; each connection must then open with {@link Event.Hello}
 * naming a worker the manager {@link #expect expects} and carrying that worker's secret.
 * A wrong secret, an unexpected worker, a second connection for the same worker, or no
 * Hello within the handshake timeout closes the connection.
 */
public final class WorkerSocketServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WorkerSocketServer.class.getName());

    /** A worker that completed the handshake. */
    public record Handshake(FrameChannel channel, long pid) {
    }

    private record Expected(byte[] secret, CompletableFuture<Handshake> future) {
    }

    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final FrameCodec codec;
    private final Duration handshakeTimeout;
    private final Map<String, Expected> expected = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private WorkerSocketServer(Path directory, ServerSocketChannel server, FrameCodec codec, Duration handshakeTimeout) {
        this.directory = directory;
        this.socketPath = directory.resolve("manager.sock");
        this.server = server;
        this.codec = codec;
        this.handshakeTimeout = handshakeTimeout;
    }

    /**
     * Creates a fresh 0700 directory under {@code parent} and listens on a socket inside it,
     * after removing the directories of earlier managers that were killed before they could.
     */
    public static WorkerSocketServer open(Path parent, FrameCodec codec, Duration handshakeTimeout) throws IOException {
        Files.createDirectories(parent);
        removeStale(parent);
        Path dir = Files.createTempDirectory(parent, "procpool-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("manager.sock")));
        WorkerSocketServer s = new WorkerSocketServer(dir, server, codec, handshakeTimeout);
        Thread.ofVirtual().name("procpool-accept").start(s::acceptLoop);
        return s;
    }

    /** A {@code procpool-*} directory whose socket no one listens on any more belonged to a dead manager. */
    static void removeStale(Path parent) {
        try (var dirs = Files.newDirectoryStream(parent, "procpool-*")) {
            for (Path dir : dirs) {
                Path socket = dir.resolve("manager.sock");
                if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.exists(socket)) {
                    continue;
                }
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(UnixDomainSocketAddress.of(socket));
                } catch (java.net.ConnectException refused) {
                    Files.deleteIfExists(socket);
                    Files.deleteIfExists(dir);
                    LOG.log(System.Logger.Level.INFO, "removed {0}, left by a manager that is gone", dir);
                } catch (IOException ignored) {
                    // not ours to judge
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not look for stale sockets in " + parent + ": " + e);
        }
    }

    public Path socketPath() {
        return socketPath;
    }

    public Path directory() {
        return directory;
    }

    /** Registers a worker about to be launched; the future completes when it has shaken hands. */
    public CompletableFuture<Handshake> expect(String workerId, String secret) {
        var future = new CompletableFuture<Handshake>();
        expected.put(workerId, new Expected(secret.getBytes(StandardCharsets.UTF_8), future));
        future.whenComplete((h, e) -> expected.remove(workerId));
        return future;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            try {
                SocketChannel socket = server.accept();
                Thread.ofVirtual().name("procpool-handshake").start(() -> handshake(socket));
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.ERROR, "accept on " + socketPath + " failed", e);
                }
                return;
            }
        }
    }

    private void handshake(SocketChannel socket) {
        var channel = new FrameChannel(socket, codec);
        var done = new AtomicBoolean();
        Thread timer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(handshakeTimeout);
                if (done.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "connection sent no Hello within {0}; closed", handshakeTimeout);
                    channel.close();
                }
            } catch (InterruptedException ignored) {
                // handshake finished first
            }
        });
        try {
            Event first = channel.readEvent();
            if (!done.compareAndSet(false, true)) {
                return;
            }
            timer.interrupt();
            if (!(first instanceof Event.Hello hello)) {
                refuse(channel, "first frame was " + first.getClass().getSimpleName() + ", not Hello");
                return;
            }
            Expected e = hello.workerId() == null ? null : expected.get(hello.workerId());
            byte[] offered = hello.secret() == null ? new byte[0] : hello.secret().getBytes(StandardCharsets.UTF_8);
            if (e == null || !MessageDigest.isEqual(e.secret(), offered)) {
                refuse(channel, "wrong worker id or secret from pid " + hello.pid());
                return;
            }
            if (!e.future().complete(new Handshake(channel, hello.pid()))) {
                refuse(channel, "second connection for worker " + hello.workerId());
            }
        } catch (IOException ex) {
            if (done.compareAndSet(false, true)) {
                timer.interrupt();
            }
            channel.close();
        }
    }

    private static void refuse(FrameChannel channel, String why) {
        LOG.log(System.Logger.Level.WARNING, "refused a worker connection: {0}", why);
        channel.close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        expected.values().forEach(e -> e.future().completeExceptionally(new IOException("socket server closed")));
        try {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove " + directory, e);
        }
    }
}
