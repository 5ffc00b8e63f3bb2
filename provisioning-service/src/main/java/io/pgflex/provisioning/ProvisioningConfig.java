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

    /** How long a restart with failover waits for ha-service to report the roles changed. */
    @WithDefault("5m")
    Duration failoverWait();

    /** The stable endpoints: where clients connect, whatever instance is primary. */
    Endpoint endpoint();

    /** What one subscription may hold at most (a standby counts like its primary). */
    QuotaLimits quota();

    interface QuotaLimits {
        @WithDefault("50")
        int servers();

        @WithDefault("256")
        int vcores();

        @WithDefault("32768")
        int storageGb();
    }

    interface Endpoint {
        /** Host name of the router (fullyQualifiedDomainName of every server); a wildcard DNS name in production. */
        @WithDefault("localhost")
        String host();

        /** First endpoint port handed to a server. */
        @WithDefault("15000")
        int portRangeStart();

        /** Last endpoint port handed to a server. */
        @WithDefault("15999")
        int portRangeEnd();

        /** A server's PgBouncer answers on its endpoint port plus this (6432 is taken by the first server only). */
        @WithDefault("1000")
        int pgbouncerPortOffset();

        /**
         * How long an operation waits for the router to take in the server's new route (a router
         * that is down does not fail operations: it catches up from Kafka).
         */
        @WithDefault("30s")
        java.time.Duration routerWait();

        /** The node agent with the router role, asked for the router's view of an endpoint. */
        @WithDefault("agent-1")
        String routerAgent();
    }

    interface Agent {
        String url();

        @WithDefault("1")
        String zone();

        /**
         * Whether instances are placed on this agent. An agent that only runs the router (a router
         * host apart from the database hosts) is listed with false, so operations can reach its router.
         */
        @WithDefault("true")
        boolean instances();
    }
}
