package dev.procpool.process;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerClasspathTests {

    @TempDir
    Path cache;

    @Test
    void understandsTheThreeKindsOfCodeSource() {
        assertThat(WorkerClasspath.parse("jar:nested:/app/procpool.jar/!BOOT-INF/lib/jackson-core-3.1.4.jar!/"))
                .isEqualTo(new WorkerClasspath.Location.Nested(Path.of("/app/procpool.jar"), "BOOT-INF/lib/jackson-core-3.1.4.jar"));
        assertThat(WorkerClasspath.parse("jar:nested:/app/procpool.jar/!BOOT-INF/classes/!/"))
                .isEqualTo(new WorkerClasspath.Location.Nested(Path.of("/app/procpool.jar"), "BOOT-INF/classes/"));
        assertThat(WorkerClasspath.parse("file:/nonexistent/lib/x.jar"))
                .isEqualTo(new WorkerClasspath.Location.Jar(Path.of("/nonexistent/lib/x.jar")));
        assertThat(WorkerClasspath.parse("jar:file:/nonexistent/app.jar!/"))
                .isEqualTo(new WorkerClasspath.Location.Jar(Path.of("/nonexistent/app.jar")));
    }

    @Test
    void theWorkerGetsTheEngineAndJacksonButNoSpring() throws Exception {
        WorkerClasspath cp = WorkerClasspath.resolve(cache, List.of());
        assertThat(cp.entries()).hasSize(4).allSatisfy(p -> assertThat(p.toString()).endsWith(".jar"));
        assertThat(cp.asArgument()).doesNotContain("spring");
        try (JarFile engine = new JarFile(cp.entries().getFirst().toFile())) {
            assertThat(engine.getEntry("dev/procpool/worker/WorkerMain.class")).isNotNull();
            assertThat(engine.getEntry("dev/procpool/api/ProcessController.class")).isNull();
            assertThat(engine.getEntry("dev/procpool/ProcpoolApplication.class")).isNull();
        }
        assertThat(WorkerClasspath.resolve(cache, List.of()).entries()).as("same bytes, same paths").isEqualTo(cp.entries());
    }
}
