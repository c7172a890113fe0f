package dev.procpool.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class WorkerSocketServerTests {

    @TempDir
    Path tmp;
    private WorkerSocketServer server;
    private final FrameCodec codec = new FrameCodec();

    @BeforeEach
    void open() throws IOException {
        server = WorkerSocketServer.open(tmp, codec, Duration.ofSeconds(1));
    }

    @AfterEach
    void close() {
        server.close();
    }

    private FrameChannel connect() throws IOException {
        SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
        s.connect(UnixDomainSocketAddress.of(server.socketPath()));
        return new FrameChannel(s, codec);
    }

    @Test
    void theSocketLivesInAFreshDirectoryOnlyItsOwnerCanEnter() throws IOException {
        assertThat(Files.getPosixFilePermissions(server.directory())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(server.socketPath().getParent()).isEqualTo(server.directory());
    }

    @Test
    void aWorkerWithTheRightSecretIsHandedOver() throws Exception {
        CompletableFuture<WorkerSocketServer.Handshake> expected = server.expect("w1", "right");
        try (FrameChannel worker = connect()) {
            worker.send(new Event.Hello("w1", "right", 123));
            WorkerSocketServer.Handshake h = expected.get(5, TimeUnit.SECONDS);
            assertThat(h.pid()).isEqualTo(123);
            h.channel().send(new Command.Ping(9));
            assertThat(worker.readCommand()).isEqualTo(new Command.Ping(9));
        }
    }

    @Test
    void aConnectionWithAWrongSecretIsRefused() throws Exception {
        CompletableFuture<WorkerSocketServer.Handshake> expected = server.expect("w1", "right");
        try (FrameChannel intruder = connect()) {
            intruder.send(new Event.Hello("w1", "wrong", 666));
            assertThatThrownBy(intruder::readCommand).isInstanceOf(IOException.class);
        }
        assertThat(expected).isNotDone();
        try (FrameChannel worker = connect()) {
            worker.send(new Event.Hello("w1", "right", 123));
            assertThat(expected.get(5, TimeUnit.SECONDS).pid()).isEqualTo(123);
        }
    }

    @Test
    void anUnknownWorkerASecondConnectionAndAFirstFrameOtherThanHelloAreRefused() throws Exception {
        try (FrameChannel stranger = connect()) {
            stranger.send(new Event.Hello("nobody", "x", 1));
            assertThatThrownBy(stranger::readCommand).isInstanceOf(EOFException.class);
        }
        CompletableFuture<WorkerSocketServer.Handshake> expected = server.expect("w2", "s");
        try (FrameChannel first = connect(); FrameChannel second = connect()) {
            first.send(new Event.Hello("w2", "s", 1));
            expected.get(5, TimeUnit.SECONDS);
            second.send(new Event.Hello("w2", "s", 2));
            assertThatThrownBy(second::readCommand).isInstanceOf(EOFException.class);
        }
        server.expect("w3", "s");
        try (FrameChannel rude = connect()) {
            rude.send(new Event.Pong(1));
            assertThatThrownBy(rude::readCommand).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (FrameChannel silent = connect()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(silent::readCommand).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void aSocketDirectoryLeftByADeadManagerIsRemovedAtTheNextStart() throws Exception {
        Path stale = Files.createDirectory(tmp.resolve("procpool-dead"));
        try (var dead = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale.resolve("manager.sock")));
        } // closed without unlinking, as after SIGKILL
        assertThat(stale.resolve("manager.sock")).exists();
        try (var next = WorkerSocketServer.open(tmp, codec, Duration.ofSeconds(1))) {
            assertThat(stale).doesNotExist();
            assertThat(server.socketPath()).as("a live manager's socket stays").exists();
        }
    }
}
