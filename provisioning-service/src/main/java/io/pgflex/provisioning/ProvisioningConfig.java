package io.pgflex.provisioning;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Settings of provisioning-service. */
@ConfigMapping(prefix = "pgflex.provisioning")
public interface ProvisioningConfig {
    /** The node agents instances are placed on, by agent id. */
    Map<String, Agent> agents();

    /** Bearer token every node agent expects. */
    @WithDefault("change-me")
    String agentToken();

    /** A stopped server is started again after this long (Azure: 7 days). */
    @WithDefault("P7D")
    Duration autoStartAfter();

    /** How often stopped servers are checked for auto-start. */
    @WithDefault("1m")
    Duration autoStartCheck();

    /** How often pending operations are looked for (besides right after each accepted operation). */
    @WithDefault("1s")
    Duration operationPollInterval();

    /** Operations carried out at once. */
    @WithDefault("4")
    int operationWorkers();

    /** Tries of a failing operation step before the operation fails. */
    @WithDefault("5")
    int operationMaxAttempts();

    interface Agent {
        String url();

        @WithDefault("1")
        String zone();
    }
}
