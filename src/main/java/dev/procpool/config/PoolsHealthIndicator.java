package dev.procpool.config;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.procpool.pool.PoolManager;
import dev.procpool.pool.ProcessPool;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * {@code pools} in /actuator/health: DOWN when a running pool has no worker alive and its last
 * attempt to start one failed (it cannot keep any worker alive); OUT_OF_SERVICE once the service
 * is shutting down; each pool's state, workers up and last error as details.
 */
@Component("pools")
class PoolsHealthIndicator implements HealthIndicator, ApplicationListener<ContextClosedEvent> {

    private final PoolManager pools;
    private volatile boolean closing;

    PoolsHealthIndicator(PoolManager pools) {
        this.pools = pools;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        closing = true;
    }

    @Override
    public Health health() {
        if (closing) {
            return Health.outOfService().withDetail("detail", "the service is shutting down").build();
        }
        boolean down = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (ProcessPool p : pools.list()) {
            ProcessPool.Status s = p.status();
            long up = s.workers().stream().filter(w -> w.pid() != null).count();
            boolean cannotStart = s.state() == ProcessPool.State.RUNNING && up == 0 && s.lastError() != null;
            down |= cannotStart;
            var pool = new LinkedHashMap<String, Object>();
            pool.put("state", s.state().name().toLowerCase());
            pool.put("workersUp", up);
            pool.put("processes", s.processes());
            if (s.lastError() != null) {
                pool.put("lastError", s.lastError());
            }
            details.put(p.name(), pool);
        }
        return (down ? Health.down() : Health.up()).withDetails(details).build();
    }
}
