package dev.procpool;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The package rules of ARCHITECTURE.md; they change only with that document. */
@AnalyzeClasses(packages = "dev.procpool", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    private static final String[] PROJECT = {"dev.procpool.api..", "dev.procpool.config..", "dev.procpool.process..",
            "dev.procpool.pool..", "dev.procpool.queue..", "dev.procpool.sync..", "dev.procpool.shared..",
            "dev.procpool.ipc..", "dev.procpool.task..", "dev.procpool.worker.."};

    private static ArchRule mayOnlyUse(String pkg, String... allowed) {
        var forbidden = java.util.Arrays.stream(PROJECT)
                .filter(p -> !p.equals(pkg) && !java.util.List.of(allowed).contains(p))
                .toArray(String[]::new);
        return noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .allowEmptyShould(true);
    }

    @ArchTest
    static final ArchRule onlyTheEdgeUsesSpring = noClasses()
            .that().resideOutsideOfPackages("dev.procpool.api..", "dev.procpool.config..")
            .and().doNotHaveFullyQualifiedName("dev.procpool.ProcpoolApplication")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    @ArchTest
    static final ArchRule nothingButTheWorkerUsesTheWorker = noClasses()
            .that().resideOutsideOfPackage("dev.procpool.worker..")
            .should().dependOnClassesThat().resideInAPackage("dev.procpool.worker..");

    @ArchTest
    static final ArchRule sharedUsesOnlyTheJdk = noClasses().that().resideInAPackage("dev.procpool.shared..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "dev.procpool.shared..").allowEmptyShould(true);

    @ArchTest
    static final ArchRule ipcUsesOnlyTheJdkAndJackson = noClasses().that().resideInAPackage("dev.procpool.ipc..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "dev.procpool.ipc..", "tools.jackson..",
                    "com.fasterxml.jackson..");

    @ArchTest
    static final ArchRule process = mayOnlyUse("dev.procpool.process..", "dev.procpool.ipc..", "dev.procpool.task..",
            "dev.procpool.shared..");

    @ArchTest
    static final ArchRule pool = mayOnlyUse("dev.procpool.pool..", "dev.procpool.process..", "dev.procpool.ipc..",
            "dev.procpool.task..");

    @ArchTest
    static final ArchRule queue = mayOnlyUse("dev.procpool.queue..", "dev.procpool.ipc..");

    @ArchTest
    static final ArchRule sync = mayOnlyUse("dev.procpool.sync..", "dev.procpool.ipc..", "dev.procpool.shared..");

    @ArchTest
    static final ArchRule task = mayOnlyUse("dev.procpool.task..", "dev.procpool.shared..", "dev.procpool.ipc..");

    @ArchTest
    static final ArchRule worker = mayOnlyUse("dev.procpool.worker..", "dev.procpool.ipc..", "dev.procpool.task..",
            "dev.procpool.shared..");

    @ArchTest
    static final ArchRule config = mayOnlyUse("dev.procpool.config..", "dev.procpool.api..", "dev.procpool.process..",
            "dev.procpool.pool..", "dev.procpool.queue..", "dev.procpool.sync..", "dev.procpool.shared..",
            "dev.procpool.ipc..", "dev.procpool.task..");
}
