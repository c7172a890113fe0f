package dev.procpool.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.procpool.ipc.Command;
import dev.procpool.ipc.Event;
import dev.procpool.ipc.FrameCodec;
import dev.procpool.ipc.WorkerSocketServer;
import dev.procpool.process.WorkerClasspath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A real worker JVM against a socket server the test controls: it never outlives its manager. */
@Timeout(60)
class WorkerMainTests {

    @TempDir
    Path tmp;
    private WorkerSocketServer server;
    private Process worker;

    @BeforeEach
    void open() throws IOException {
        server = WorkerSocketServer.open(tmp, new FrameCodec(), Duration.ofSeconds(20));
    }

    @AfterEach
    void close() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        server.close();
    }

    private WorkerSocketServer.Handshake startWorker(long heartbeatTimeoutMillis) throws Exception {
        var handshake = server.expect("w1", "secret-1");
        String cp = WorkerClasspath.resolve(tmp.resolve("cache"), List.of()).asArgument();
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, WorkerMain.class.getName()).redirectErrorStream(true);
        builder.environment().put("PROCPOOL_SOCKET", server.socketPath().toString());
        builder.environment().put("PROCPOOL_WORKER_ID", "w1");
        builder.environment().put("PROCPOOL_SECRET", "secret-1");
        builder.environment().put("PROCPOOL_HEARTBEAT_TIMEOUT_MS", Long.toString(heartbeatTimeoutMillis));
        worker = builder.start();
        WorkerSocketServer.Handshake h = handshake.get(30, TimeUnit.SECONDS);
        assertThat(h.pid()).isEqualTo(worker.pid());
        return h;
    }

    @Test
    void theWorkerHaltsWhenTheManagersSocketCloses() throws Exception {
        WorkerSocketServer.Handshake h = startWorker(60_000);
        h.channel().send(new Command.Ping(1));
        assertThat(h.channel().readEvent()).isEqualTo(new Event.Pong(1));
        h.channel().close();
        assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(WorkerMain.EXIT_MANAGER_GONE);
    }

    @Test
    void theWorkerHaltsWhenTheManagerFallsSilent() throws Exception {
        startWorker(1_000);
        assertThat(worker.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(WorkerMain.EXIT_MANAGER_GONE);
        assertThat(new String(worker.getInputStream().readAllBytes())).contains("no word from the manager");
    }

    @Test
    void aTaskRunsAndReportsProgressDoneAndItsOwnExit() throws Exception {
        WorkerSocketServer.Handshake h = startWorker(60_000);
        var json = tools.jackson.databind.node.JsonNodeFactory.instance;
        h.channel().send(new Command.RunTask(5, "dev.procpool.task.BuiltinTasks", "cube", json.arrayNode().add(3), null, true));
        assertThat(h.channel().readEvent()).isEqualTo(new Event.TaskStarted(5));
        assertThat(h.channel().readEvent()).isInstanceOfSatisfying(Event.TaskDone.class,
                done -> assertThat(done.result().longValue()).isEqualTo(27));
        assertThat(h.channel().readEvent()).isEqualTo(new Event.Exiting(0));
        assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isZero();
    }
}
