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

    /** Bearer token the control plane presents. */
    String token();

    @WithDefault("1s")
    Duration heartbeatInterval();

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
}
