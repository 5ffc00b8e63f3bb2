package io.pgflex.ha.steps;

/**
 * The recorded steps of a failover (unplanned, or forced by the user) and of a switchover (planned),
 * in the order they run. Each is re-runnable: ha-service records the step before running it, and a
 * restarted ha-service runs the recorded step again. The names are what {@code ha_servers.step} holds.
 */
public enum FailoverStep {
    /**
     * Unplanned or forced, the old primary's agent alive: it stops the old primary (immediate), and the
     * promotion waits for its answer up to 0.7 s, so two primaries never run at once while it can be helped.
     */
    Fence,
    /**
     * Unplanned, the old primary's host unreachable (lost, hung, cut off): its agent is told to stop it
     * without waiting for an answer that will not come; an isolated primary fences itself.
     */
    FenceUnreachable,
    /** Unplanned: the standby is promoted; roles swap; the old primary will be cloned again as the standby. */
    Promote,
    /** Planned: the old primary shuts down cleanly (fast), and its last LSN is noted. */
    SwitchFence,
    /** Planned: once the standby has received that LSN it is promoted (after 30 s, the unplanned path). */
    SwitchPromote,
    /** Planned: the old primary rejoins as the new primary's standby (or is cloned again). */
    SwitchRejoin;

    /** The recorded step, or null for none (or a name no longer known, which is dropped). */
    public static FailoverStep recorded(String name) {
        if (name == null) {
            return null;
        }
        for (FailoverStep s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
