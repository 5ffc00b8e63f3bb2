package io.pgflex.ha.request;

import io.pgflex.ha.servers.HaState;

/**
 * Whether a requested restart with failover (PlannedFailover: a switchover without losing anything;
 * ForcedFailover: promote the standby at once, as an unplanned failover would) is carried out, as a
 * pure function of the server's HA state and its standby's agent's answer. The only place that
 * decides it: the event listener only records the request, and provisioning accepts any request of
 * an HA server and ends its operation with what is decided here.
 */
public final class RequestDecision {
    private RequestDecision() {
    }

    public enum Action {
        /** Switch over: clean stop of the primary, the standby takes everything, roles swap. */
        SWITCH_OVER,
        /** Fail over at once: fence, promote (as an unplanned failover). */
        FAIL_OVER,
        /** A failover or switchover runs already: the request completes with it. */
        JOIN,
        /** Not carried out; the operation fails with the reason. */
        REFUSE
    }

    public record Decision(Action action, String reason) {
    }

    /**
     * The standby's agent's answer.
     *
     * @param answered  the agent answered (false: {@code error} says why)
     * @param streaming its WAL receiver streams from the primary
     */
    public record Standby(boolean answered, String error, boolean running, boolean fenced, Boolean inRecovery,
                          boolean streaming) {
        public static Standby noAnswer(String error) {
            return new Standby(false, error, false, false, null, false);
        }
    }

    /**
     * @param mode        PlannedFailover or ForcedFailover
     * @param state       the server's HA state
     * @param stepRunning the step of a failover or switchover under way (null: none)
     * @param stepOwned   that failover or switchover carries another request's operation already
     * @param standby     the standby's agent's answer (null when none was asked: no standby, or a step runs)
     */
    public static Decision decide(String mode, HaState state, String stepRunning, boolean stepOwned, Standby standby) {
        boolean forced = "ForcedFailover".equals(mode);
        if (!forced && !"PlannedFailover".equals(mode)) {
            return new Decision(Action.REFUSE, "unknown failover mode " + mode);
        }
        if (stepRunning != null && stepOwned) {
            return new Decision(Action.REFUSE, "another request's failover is under way (step " + stepRunning + ")");
        }
        if (stepRunning != null) {
            return new Decision(Action.JOIN, "a failover is under way already (step " + stepRunning + "): the " + mode
                    + " completes with it");
        }
        if (state == HaState.NotEnabled || state == HaState.RemovingStandby || state == HaState.CreatingStandby) {
            return new Decision(Action.REFUSE, "there is no standby to take over (high availability is " + state + ")");
        }
        if (state != HaState.Healthy) {
            return new Decision(Action.REFUSE, "the standby is not confirmed synchronous yet (high availability is " + state
                    + "): promoting it could lose acknowledged commits");
        }
        if (standby == null || !standby.answered()) {
            return new Decision(Action.REFUSE, "the standby's agent does not answer (" + (standby == null ? "not asked"
                    : standby.error()) + ")");
        }
        if (!standby.running() || standby.fenced() || !Boolean.TRUE.equals(standby.inRecovery())) {
            return new Decision(Action.REFUSE, "the standby cannot take over (running " + standby.running() + ", fenced "
                    + standby.fenced() + ", in recovery " + standby.inRecovery() + ")");
        }
        if (forced) {
            return new Decision(Action.FAIL_OVER, "ForcedFailover requested: the synchronous standby is promoted at once");
        }
        if (!standby.streaming()) {
            return new Decision(Action.REFUSE, "the standby does not stream from the primary, which a planned failover needs"
                    + " (a ForcedFailover does not)");
        }
        return new Decision(Action.SWITCH_OVER, "PlannedFailover requested: the primary stops cleanly and the standby takes"
                + " over with everything it wrote");
    }
}
