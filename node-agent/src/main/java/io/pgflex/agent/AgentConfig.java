package io.pgflex.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Settings of one node agent. */
@ConfigMapping(prefix = "pgflex.agent")
public interface AgentConfig {
    /** Stable identity of this agent (host). */
    String id();

    /** Availability-zone label; ZoneRedundant HA places the standby in another zone. */
    String zone();

    /** Everything this agent owns lives below: {@code instances/<id>/}. */
    Path dataRoot();

    /** Where engine bundles unpacked by the launcher live ({@code <major.minor>/bin}); optional. */
    java.util.Optional<Path> enginesDir();

    /** Directory of the instances' Unix sockets (kept short: socket paths are limited to 107 bytes). */
    java.util.Optional<Path> socketDir();

    @WithDefault("1s")
    Duration heartbeatInterval();

    /** How often the watchdog looks for PostgreSQL (and PgBouncer) that should run and does not, to start it in place. */
    @WithDefault("200ms")
    Duration watchdogInterval();

    /** How often a synchronous primary checks whether it is isolated (and fences itself when it is). */
    @WithDefault("250ms")
    Duration selfFenceInterval();

    /** How often each instance's metrics are collected and sent to pgflex.metrics (Azure: every minute). */
    @WithDefault("60s")
    Duration metricsInterval();

    /** How often the collector looks for instances whose interval has passed (a new instance reports at once). */
    @WithDefault("2s")
    Duration metricsTick();

    /**
     * Bytes in one GiB of a server's storageSizeGB when storage_percent and storage_free are computed.
     * Always 1073741824 in production; tests and demos shrink it to fill a "32 GiB" server quickly.
     */
    @WithDefault("1073741824")
    long storageUnitBytes();

    /**
     * How often the storage guard measures each primary's data directory against its provisioned
     * size ({@link io.pgflex.agent.storage.StorageGuard}).
     */
    @WithDefault("5s")
    Duration storageGuardInterval();

    /** The share of the provisioned storage at which the guard stops a server's tenants (100: the limit). */
    @WithDefault("100")
    double storageLimitPercent();

    /** First port handed to an instance. */
    @WithDefault("6000")
    int portRangeStart();

    /** Last port handed to an instance. */
    @WithDefault("6999")
    int portRangeEnd();

    /** Address instances listen on. */
    @WithDefault("*")
    String listenAddresses();

    /** Host name clients use for this agent's instances (certificate SAN, fullyQualifiedDomainName). */
    @WithDefault("localhost")
    String advertisedHost();

    /**
     * Names (or addresses) clients reach the servers' stable endpoints at — the routers' host names, the same as
     * provisioning's {@code pgflex.provisioning.endpoint.host}: every instance certificate names them, so
     * {@code sslmode=verify-full} holds through a router on another host.
     */
    @WithDefault("localhost")
    java.util.List<String> endpointHosts();

    /**
     * Addresses of the routers (stable endpoints) in front of this agent's instances: connections
     * routed through them arrive from these, so pg_hba and PgBouncer admit them (TLS and SCRAM still
     * required); the router itself enforces the server's firewall rules on the client's address.
     */
    @WithDefault("127.0.0.1/32")
    java.util.List<String> routerAddresses();

    /**
     * TCP port of the routers' agent-check: HAProxy sends {@code <serverId> <instanceId> [pgbouncer]}
     * and this agent answers {@code up} when that instance is the healthy primary, {@code down}
     * otherwise. When the agent is not there to answer, HAProxy leaves the member as it was: an agent
     * restart does not take a serving primary out of its endpoint.
     */
    @WithDefault("8190")
    int checkPort();

    /** Address the agent-check port listens on. */
    @WithDefault("0.0.0.0")
    String checkAddress();

    /**
     * A synchronous primary that hears neither from ha-service nor from its standby for this long is
     * isolated: it stops serving and fences itself (it may have been failed over meanwhile). The same
     * as ha-service's detection timeout: an isolated primary stops about when its standby is promoted.
     */
    @WithDefault("2s")
    Duration isolationTimeout();

    /**
     * The platform's probe secret (the same on every agent and ha-service, at least 16 characters):
     * each server's role {@code pgflex_probe} (no privileges, TLS and SCRAM only), that ha-service and
     * standbys' agents probe primaries with, gets a password derived from it and the server's id. No
     * default: an agent without one refuses to start.
     */
    String probeSecret();

    /**
     * Where the platform's own connections come from (CIDRs or addresses: the hosts of the agents
     * and of ha-service): pg_hba admits the probe and replication roles from these only. The
     * default fits one host (the local stack: IPv4 and IPv6 loopback, as "localhost" may resolve to
     * either); an installation over several hosts lists them.
     */
    @WithDefault("127.0.0.1/32,::1/128")
    java.util.List<String> platformAddresses();

    /** PgBouncer program (Debian package pgbouncer). */
    @WithDefault("/usr/sbin/pgbouncer")
    String pgbouncerBin();

    Router router();

    /** The router role: HAProxy in front of every server's instances, one stable endpoint per server. */
    interface Router {
        /** Whether this agent runs the router. */
        @WithDefault("false")
        boolean enabled();

        /** HAProxy program (Debian package haproxy). */
        @WithDefault("/usr/sbin/haproxy")
        String haproxyBin();

        /** OS user HAProxy's workers run as when the agent is root (the master stays root to re-read its files). */
        @WithDefault("haproxy")
        String osUser();

        /** Address the endpoints listen on. */
        @WithDefault("*")
        String bindAddress();

        /** Health-check interval of each member; a new primary is routed to within about this long. */
        @WithDefault("250ms")
        Duration checkInterval();
    }
}
