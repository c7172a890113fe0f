package dev.procpool.api;

import dev.procpool.config.ProcpoolProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;

/** {@code procpool.*} bound with its defaults, for controller slice tests, which do not load the engine's configuration. */
@TestConfiguration
@EnableConfigurationProperties(ProcpoolProperties.class)
class BoundProperties {
}
