package dev.procpool.config;

import dev.procpool.process.ProcessManager;
import dev.procpool.process.WorkerLauncher;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code workers} in /actuator/health: whether worker JVMs can be launched, and how many run. */
@Component("workers")
class WorkersHealthIndicator implements HealthIndicator {

    private final WorkerLauncher launcher;
    private final ProcessManager processes;

    WorkersHealthIndicator(WorkerLauncher launcher, ProcessManager processes) {
        this.launcher = launcher;
        this.processes = processes;
    }

    @Override
    public Health health() {
        WorkerLauncher.Health h = launcher.health();
        Health.Builder b = h.canLaunch() ? Health.up() : Health.down();
        b.withDetail("detail", h.detail())
                .withDetail("liveWorkers", h.liveWorkers())
                .withDetail("spares", h.spares())
                .withDetail("runningProcesses", processes.liveCount())
                .withDetail("aotCache", h.aotCache());
        if (h.lastStartup() != null) {
            b.withDetail("lastStartupMillis", h.lastStartup().toMillis());
        }
        return b.build();
    }
}
