package io.pgflex.ha;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Settings of ha-service. */
@ConfigMapping(prefix = "pgflex.ha")
public interface HaConfig {
    /** The node agents standbys are placed on, by agent id (the same list provisioning has). */
    Map<String, Agent> agents();


    /** Password of the agents' probe role (pgflex.agent.probe-password). */
    String probePassword();

    /** How often each HA server's primary is probed (SQL over TLS) and its lease renewed. */
    @WithDefault("500ms")
    Duration probeInterval();

    /** A probe without an answer within this long failed (a hung host accepts TCP and never answers). */
    @WithDefault("700ms")
    Duration probeTimeout();

    /**
     * How long the primary must be unreachable (and the standby's agent agree) before a failover.
     * A PostgreSQL that crashed on a live host is restarted by its agent within about a second, well
     * inside this.
     */
    @WithDefault("3s")
    Duration detectionTimeout();

    /** After an unplanned failover, another one is refused for this long unless forced. */
    @WithDefault("15m")
    Duration quietPeriod();

    /** A standby whose replay lag is at most this many bytes may become synchronous (and is ready to take over). */
    @WithDefault("16777216")
    long readyLagBytes();

    /** How long a standby may be gone before the primary stops waiting for it (HaDegraded). */
    @WithDefault("3s")
    Duration standbyLossTimeout();

    /**
     * Fault injection for tests: a pause before each step of a failover or switchover, so that a
     * test can kill ha-service between two recorded steps. Zero (none) outside such tests.
     */
    @WithDefault("0s")
    Duration stepPause();

    interface Agent {
        String url();

        @WithDefault("1")
        String zone();
    }
}
