package dev.procpool.task;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.procpool.pool.Job;
import dev.procpool.pool.PoolManager;
import dev.procpool.process.OutputBuffer;
import dev.procpool.process.ProcessLimits;
import dev.procpool.process.ProcessManager;
import dev.procpool.process.ProcessSnapshot;
import dev.procpool.process.WorkerLauncher;
import dev.procpool.process.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A plugin JAR built at test time adds a target, which runs in a real worker JVM. */
@Timeout(120)
class PluginTaskTests {

    static final String SOURCE = """
            package com.acme;

            import dev.procpool.task.Task;
            import dev.procpool.task.TaskContext;
            import java.util.List;

            public class Greetings {
                @Task(value = "acme.greet", description = "Greets")
                public static String greet(String name, int times, TaskContext context) {
                    context.out().println("greeting " + name);
                    context.progress(times, times);
                    return ("Hello, " + name + "! ").repeat(times).strip();
                }

                @Task("acme.sum")
                public long sum(List<Long> numbers) {
                    return numbers.stream().mapToLong(Long::longValue).sum();
                }

                @Task("square")
                public static long notTheBuiltIn(long x) {
                    return -1;
                }

                @Task("acme.hog")
                public static int hog(int megabytes) {
                    List<long[]> held = new java.util.ArrayList<>();
                    for (int i = 0; i < megabytes; i++) {
                        held.add(new long[128 * 1024]);
                    }
                    return held.size();
                }
            }
            """;

    @TempDir
    Path tmp;

    /** Compiles {@link #SOURCE} with -parameters against procpool's classes and packs it as plugins/acme.jar. */
    static Path buildPlugin(Path tmp) throws IOException {
        Path src = tmp.resolve("src/com/acme/Greetings.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-parameters", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        assertThat(rc).isZero();
        Path plugins = tmp.resolve("plugins");
        Files.createDirectories(plugins);
        Path jar = plugins.resolve("acme.jar");
        try (OutputStream out = Files.newOutputStream(jar); var j = new JarOutputStream(out); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return plugins;
    }

    @Test
    void aPluginJarAddsTargetsThatRunInAWorker() throws Exception {
        Path plugins = buildPlugin(tmp);
        TaskCatalog catalog = TaskCatalog.load(plugins);
        assertThat(catalog.require("acme.greet").params()).containsExactly(
                new TaskMethod.Param("name", "string"), new TaskMethod.Param("times", "integer"));
        assertThat(catalog.require("acme.sum").params()).containsExactly(new TaskMethod.Param("numbers", "array<integer>"));
        assertThat(catalog.require("square").className()).as("built-in names win").isEqualTo(BuiltinTasks.class.getName());

        WorkerSettings d = WorkerSettings.defaults();
        var settings = new WorkerSettings(d.javaCommand(), d.jvmOptions(), d.maxHeap(), d.socketDir(), tmp.resolve("cache"),
                false, 0, d.startTimeout(), d.heartbeatInterval(), d.heartbeatTimeout(), d.outputCapBytes());
        try (var launcher = new WorkerLauncher(settings, catalog.pluginJars());
             var processes = new ProcessManager(catalog, launcher, ProcessLimits.defaults(), Clock.systemUTC())) {
            assertThat(launcher.classpath().entries()).contains(plugins.resolve("acme.jar").toAbsolutePath());
            ProcessSnapshot greet = processes.create(new ProcessManager.Spec("acme.greet",
                    TaskJson.MAPPER.readTree("[\"Ada\"]"), TaskJson.MAPPER.readTree("{\"times\": 2}"), "greeter", false), true);
            ProcessSnapshot sum = processes.create(new ProcessManager.Spec("acme.sum",
                    TaskJson.MAPPER.readTree("[[1, 2, 3]]"), null, null, false), true);
            ProcessSnapshot g = processes.join(greet.id(), Duration.ofSeconds(30));
            assertThat(g.exitcode()).isZero();
            assertThat(g.result().stringValue()).isEqualTo("Hello, Ada! Hello, Ada!");
            assertThat(g.progress()).isEqualTo(new ProcessSnapshot.Progress(2, 2));
            OutputBuffer out = processes.output(greet.id());
            assertThat(new String(out.snapshot().bytes(), StandardCharsets.UTF_8)).isEqualTo("greeting Ada\n");
            assertThat(processes.join(sum.id(), Duration.ofSeconds(30)).result().longValue()).isEqualTo(6);
            assertThat(List.of(g.name())).containsExactly("greeter");
        }
    }

    @Test
    void aTaskThatRunsOutOfHeapFailsWithOutOfMemoryErrorAndThePoolReplacesItsWorker() throws Exception {
        TaskCatalog catalog = TaskCatalog.load(buildPlugin(tmp));
        WorkerSettings d = WorkerSettings.defaults();
        var settings = new WorkerSettings(d.javaCommand(), d.jvmOptions(), "64m", d.socketDir(), tmp.resolve("cache"),
                false, 0, d.startTimeout(), d.heartbeatInterval(), d.heartbeatTimeout(), d.outputCapBytes());
        try (var launcher = new WorkerLauncher(settings, catalog.pluginJars());
             var pools = new PoolManager(catalog, launcher, PoolManager.Limits.defaults(), 1, Clock.systemUTC())) {
            Long before = null;
            for (int i = 0; i < 300 && before == null; i++) {
                before = pools.get(PoolManager.DEFAULT).status().workers().getFirst().pid();
                Thread.sleep(100);
            }
            assertThat(before).isNotNull();
            Job hog = pools.apply(PoolManager.DEFAULT, "acme.hog", TaskJson.MAPPER.readTree("[4096]"), null, Duration.ofSeconds(60))
                    .finished().get(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(hog.failure().kind()).isEqualTo(Job.FailureKind.TASK_ERROR);
            assertThat(hog.failure().error().type()).isEqualTo("java.lang.OutOfMemoryError");
            Job fine = pools.apply(PoolManager.DEFAULT, "acme.hog", TaskJson.MAPPER.readTree("[4]"), null, Duration.ofSeconds(60))
                    .finished().get(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(fine.failure()).isNull();
            assertThat(fine.values()[0].intValue()).isEqualTo(4);
            Long after = pools.get(PoolManager.DEFAULT).status().workers().getFirst().pid();
            assertThat(after).as("the worker that ran out of heap was replaced").isNotNull().isNotEqualTo(before);
        }
    }
}
