package dev.procpool.process;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.procpool.task.TaskCatalog;
import dev.procpool.task.TaskJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real worker JVMs, real sockets: the Process engine without HTTP. */
@Timeout(120)
class ProcessManagerTests {

    private static WorkerLauncher launcher;
    private static ProcessManager processes;

    @BeforeAll
    static void start() {
        TaskCatalog catalog = TaskCatalog.builtins();
        launcher = new WorkerLauncher(WorkerSettings.defaults(), catalog.pluginJars());
        processes = new ProcessManager(catalog, launcher, new ProcessLimits(3, 100, Duration.ofSeconds(5)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        processes.close();
        launcher.close();
    }

    static ProcessManager.Spec spec(String target, String args) {
        JsonNode a = TaskJson.MAPPER.readTree(args);
        return new ProcessManager.Spec(target, a, null, null, false);
    }

    static String output(String id) {
        return new String(processes.output(id).snapshot().bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aReturnedValueIsTheResultAndExitcodeZero() throws Exception {
        ProcessSnapshot p = processes.create(spec("echo", "[{\"a\": [1, 2.5, \"x\"]}]"), true);
        assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(p.pid()).isPositive();
        ProcessSnapshot done = processes.join(p.id(), Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(ProcessState.EXITED);
        assertThat(done.exitcode()).isZero();
        assertThat(done.result()).isEqualTo(TaskJson.MAPPER.readTree("{\"a\": [1, 2.5, \"x\"]}"));
        assertThat(done.error()).isNull();
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aRaisedExceptionIsExitcodeOneWithTheRemoteTrace() throws Exception {
        ProcessSnapshot p = processes.create(spec("fail", "[\"boom\"]"), true);
        ProcessSnapshot done = processes.join(p.id(), Duration.ofSeconds(30));
        assertThat(done.exitcode()).isEqualTo(1);
        assertThat(done.error().message()).isEqualTo("boom");
        assertThat(done.error().type()).isEqualTo("java.lang.RuntimeException");
        assertThat(done.error().trace()).contains("BuiltinTasks.fail(").doesNotContain("WorkerMain");
        assertThat(output(p.id())).as("the trace is printed to stderr, as Python does").contains("RuntimeException: boom");
    }

    @Test
    void exitEndsTheJvmWithThatCode() throws Exception {
        ProcessSnapshot p = processes.create(spec("exit", "[3]"), true);
        assertThat(processes.join(p.id(), Duration.ofSeconds(30)).exitcode()).isEqualTo(3);
        ProcessSnapshot q = processes.create(spec("exit", "[137]"), true);
        assertThat(processes.join(q.id(), Duration.ofSeconds(30)).exitcode()).as("declared, not a signal").isEqualTo(137);
    }

    @Test
    void terminateGivesMinus15AndKillMinus9() throws Exception {
        ProcessSnapshot t = processes.create(spec("sleep", "[60]"), true);
        ProcessSnapshot terminated = processes.terminate(t.id());
        assertThat(terminated.state()).isEqualTo(ProcessState.EXITED);
        assertThat(terminated.exitcode()).isEqualTo(-15);
        ProcessSnapshot k = processes.create(spec("sleep", "[60]"), true);
        ProcessSnapshot killed = processes.kill(k.id());
        assertThat(killed.exitcode()).isEqualTo(-9);
        assertThat(processes.kill(k.id()).exitcode()).as("no-op once exited").isEqualTo(-9);
    }

    @Test
    void outputIsCapturedInOrder() throws Exception {
        ProcessSnapshot p = processes.create(spec("demo.worker", "[7]"), true);
        processes.join(p.id(), Duration.ofSeconds(30));
        assertThat(output(p.id())).isEqualTo("Worker 7 started\nWorker 7 finished\n");
    }

    @Test
    void statesFollowPythonsRules() throws Exception {
        ProcessSnapshot created = processes.create(spec("sleep", "[0]"), false);
        assertThat(created.state()).isEqualTo(ProcessState.CREATED);
        assertThat(created.pid()).isNull();
        assertThatThrownBy(() -> processes.join(created.id(), Duration.ZERO)).isInstanceOf(ProcessStateException.class);
        assertThatThrownBy(() -> processes.terminate(created.id())).isInstanceOf(ProcessStateException.class);
        processes.start(created.id());
        assertThatThrownBy(() -> processes.start(created.id())).isInstanceOf(ProcessStateException.class);
        processes.join(created.id(), Duration.ofSeconds(30));
        processes.delete(created.id());
        assertThatThrownBy(() -> processes.get(created.id())).isInstanceOf(ProcessNotFoundException.class);
    }

    @Test
    void theLiveCapRefusesOneMoreAndAliveProcessesCannotBeDeleted() throws Exception {
        List<ProcessSnapshot> running = List.of(processes.create(spec("sleep", "[60]"), true),
                processes.create(spec("sleep", "[60]"), true), processes.create(spec("sleep", "[60]"), true));
        try {
            assertThatThrownBy(() -> processes.create(spec("sleep", "[1]"), true)).isInstanceOf(ProcessLimitException.class);
            assertThatThrownBy(() -> processes.delete(running.getFirst().id())).isInstanceOf(ProcessStateException.class);
        } finally {
            for (ProcessSnapshot p : running) {
                processes.kill(p.id());
            }
        }
        ProcessSnapshot after = processes.create(spec("square", "[4]"), true);
        assertThat(processes.join(after.id(), Duration.ofSeconds(30)).result().longValue()).isEqualTo(16);
    }

    @Test
    void aWorkerThatCannotStartIsAClearErrorWithinSeconds() {
        WorkerSettings d = WorkerSettings.defaults();
        var bad = new WorkerSettings(d.javaCommand(), List.of("-XX:+NoSuchOption"), d.maxHeap(), d.socketDir(), d.cacheDir(),
                false, 0, d.startTimeout(), d.heartbeatInterval(), d.heartbeatTimeout(), d.outputCapBytes());
        try (var broken = new WorkerLauncher(bad, List.of())) {
            assertThatThrownBy(broken::acquire).isInstanceOf(WorkerLaunchException.class)
                    .hasMessageContaining("NoSuchOption");
            assertThat(broken.health().canLaunch()).isFalse();
        }
    }

    @Test
    void aHeartbeatArrivingAsTheWorkerExitsDoesNotChangeItsExitCode() throws Exception {
        WorkerSettings d = WorkerSettings.defaults();
        var busy = new WorkerSettings(d.javaCommand(), d.jvmOptions(), d.maxHeap(), d.socketDir(), d.cacheDir(),
                d.aotCache(), 1, d.startTimeout(), Duration.ofMillis(1), d.heartbeatTimeout(), d.outputCapBytes());
        try (var l = new WorkerLauncher(busy, List.of());
             var pm = new ProcessManager(TaskCatalog.builtins(), l, ProcessLimits.defaults(), Clock.systemUTC())) {
            for (int i = 0; i < 12; i++) {
                ProcessSnapshot p = pm.create(spec("echo", "[" + i + "]"), true);
                assertThat(pm.join(p.id(), Duration.ofSeconds(30)).exitcode()).as("process %d", i).isZero();
            }
        }
    }

    @Test
    void aWorkerThatFallsSilentIsKilledByTheHeartbeat() throws Exception {
        WorkerSettings d = WorkerSettings.defaults();
        var strict = new WorkerSettings(d.javaCommand(), d.jvmOptions(), d.maxHeap(), d.socketDir(), d.cacheDir(),
                d.aotCache(), 0, d.startTimeout(), Duration.ofMillis(200), Duration.ofSeconds(1), d.outputCapBytes());
        try (var l = new WorkerLauncher(strict, List.of())) {
            Worker w = l.launch();
            Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(w.pid())).start();
            assertThat(stop.waitFor()).isZero();
            int raw = w.exited().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ProcessManager.exitcode(raw, w.declaredExitCode())).as("a frozen worker is SIGKILLed").isEqualTo(-9);
        }
    }
}
