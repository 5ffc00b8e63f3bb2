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


    /**
     * The platform's probe secret (the same as the agents' pgflex.agent.probe-secret): each server's
     * probe password is derived from it and the server's id ({@link io.pgflex.contracts.agent.Probes#password}).
     */
    String probeSecret();

    /** How often each HA server's primary is probed (SQL over TLS) and its lease renewed. */
    @WithDefault("500ms")
    Duration probeInterval();

    /** A probe without an answer within this long failed (a hung host accepts TCP and never answers). */
    @WithDefault("700ms")
    Duration probeTimeout();

    /**
     * How long the primary must be unreachable (and the standby's agent agree) before a failover.
     * A PostgreSQL that crashed on a live host is restarted by its agent within about a second, inside
     * this; one that is not back by then is failed over (the outage stays within the RTO goal of 3 s).
     */
    @WithDefault("2s")
    Duration detectionTimeout();

    /**
     * From how long without an answer the primary counts as unavailable for the server's status
     * (properties.state Inaccessible, highAvailability.degradedReason), whatever is decided.
     */
    @WithDefault("1s")
    Duration unavailableAfter();

    /**
     * A failover within this of the previous one is logged and announced as a repeated fault. It
     * is not held back: only a Healthy server (standby synchronous and caught up) fails over, so a
     * repeated fault loses nothing, and failovers cannot come faster than a standby is rebuilt.
     */
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
