package io.pgflex.ha.failover;

import io.pgflex.ha.failover.HaSnapshot.StandbyView;
import java.time.Duration;

/**
 * Whether a Healthy HA server fails over now, as a pure function of what was observed: the
 * primary must have been silent for the detection timeout to ha-service <em>and</em> to its standby
 * (ha-service cut off alone never fails over), and the standby must be able to take over without
 * losing an acknowledged commit. A second or third fault is treated like the first: with a
 * synchronous standby failing over loses nothing, while holding back would leave the server down.
 * Failovers cannot follow each other faster than a standby is rebuilt, since only a Healthy server
 * (a standby synchronous and caught up) is failed over at all.
 */
public final class FailoverDecision {
    private FailoverDecision() {
    }

    public enum Action {
        /** The primary answers: nothing to do. */
        NONE,
        /** The primary does not answer, not for long enough yet (or the standby's view is not in yet). */
        WAIT,
        /** The primary does not answer, but failing over would be wrong: the reason says why. */
        HOLD,
        /** Fence the old primary and promote the standby. */
        FAIL_OVER
    }

    public record Decision(Action action, String reason) {
    }

    public static Decision decide(HaSnapshot s, HaPolicy policy) {
        if (s.primaryAnswers()) {
            return new Decision(Action.NONE, "the primary answers");
        }
        long down = s.primaryDownMillis();
        if (down < policy.detectionTimeout().toMillis()) {
            return new Decision(Action.WAIT, "the primary does not answer for " + down + " ms (failover after "
                    + policy.detectionTimeout().toMillis() + " ms" + (s.primaryAgentAlive() ? "; its agent is alive and"
                    + " restarts a crashed PostgreSQL in place meanwhile)" : ")"));
        }
        if (!s.synchronous()) {
            return new Decision(Action.HOLD, "the primary does not answer for " + down + " ms, but the standby is not"
                    + " confirmed synchronous: promoting it could lose acknowledged commits");
        }
        StandbyView v = s.standby();
        if (v == null) {
            return new Decision(Action.WAIT, "the primary does not answer for " + down + " ms; asking the standby's agent");
        }
        if (!v.answered()) {
            return new Decision(Action.HOLD, "the primary does not answer for " + down + " ms, but the standby's agent does"
                    + " not answer either (" + v.error() + "): no failover, ha-service may be the one cut off");
        }
        if (!Boolean.FALSE.equals(v.reachesPrimary())) {
            return new Decision(Action.HOLD, "the primary does not answer ha-service for " + down + " ms, but the standby"
                    + " reaches it: no failover (ha-service is cut off, not the primary)");
        }
        if (!v.running() || v.fenced() || !Boolean.TRUE.equals(v.inRecovery())) {
            return new Decision(Action.HOLD, "the primary does not answer for " + down + " ms, but the standby cannot take"
                    + " over (running " + v.running() + ", fenced " + v.fenced() + ", in recovery " + v.inRecovery() + ")");
        }
        String cause = s.primaryAgentAlive()
                ? "PostgreSQL on the primary does not answer (its agent is alive, but did not bring it back) for " + down + " ms"
                : "the primary's host is unreachable (no agent heartbeat, PostgreSQL does not answer) for " + down + " ms";
        if (s.lastFailoverAt() != null && Duration.between(s.lastFailoverAt(), s.now()).compareTo(policy.quietPeriod()) < 0) {
            cause += "; a repeated fault " + Duration.between(s.lastFailoverAt(), s.now()).toSeconds() + " s after the last"
                    + " failover, failed over again since the standby is synchronous (nothing acknowledged is lost)";
        }
        return new Decision(Action.FAIL_OVER, cause);
    }

    /**
     * Whether the primary counts as unavailable for the server's status: it has not answered for
     * {@link HaPolicy#unavailableAfter} (a single slow probe is not an outage), whatever {@link #decide}
     * concluded — waiting for an in-place restart and holding back a failover leave nobody connected alike.
     */
    public static boolean unavailable(HaSnapshot s, HaPolicy policy) {
        return !s.primaryAnswers() && s.primaryDownMillis() >= policy.unavailableAfter().toMillis();
    }
}
