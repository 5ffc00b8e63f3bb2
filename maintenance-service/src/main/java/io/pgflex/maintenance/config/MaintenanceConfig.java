package io.pgflex.maintenance.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** maintenance-service's settings ({@code pgflex.maintenance.*}). */
@ConfigMapping(prefix = "pgflex.maintenance")
public interface MaintenanceConfig {
    /** The node agents (by id) the servers' instances run on: where engines are found and instances patched. */
    Map<String, Agent> agents();

    /** The least time between a maintenance's notice (MaintenanceScheduled) and its window. */
    @WithDefault("5d")
    Duration notice();

    /** How much later than the rollout's start custom-window servers are patched (system-managed servers first). */
    @WithDefault("7d")
    Duration customDelay();

    /** How soon a rescheduled maintenance may start at the earliest. */
    @WithDefault("1h")
    Duration rescheduleLead();

    /** How long after its first slot a maintenance may be postponed at most. */
    @WithDefault("28d")
    Duration rescheduleLimit();

    /** The deployment's time zone, which windows are in (default: this host's). */
    @WithDefault("system")
    String zone();

    /** How often the planner looks for due servers and the executor for open windows. */
    @WithDefault("2s")
    Duration interval();

    /** How long a patched standby may take to be synchronous again before its patch is rolled back. */
    @WithDefault("10m")
    Duration syncWaitLimit();

    /**
     * Fault injection for tests: a pause after a maintenance is marked InProgress and before its patch is asked of the
     * agent, so a test can kill the service in between. 0 in production.
     */
    @WithDefault("0s")
    Duration stepPause();

    interface Agent {
        String url();
    }

    default java.time.ZoneId zoneId() {
        return "system".equals(zone()) ? java.time.ZoneId.systemDefault() : java.time.ZoneId.of(zone());
    }
}
