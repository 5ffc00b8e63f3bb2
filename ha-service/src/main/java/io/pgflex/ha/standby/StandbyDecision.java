package io.pgflex.ha.standby;

import io.pgflex.contracts.agent.ReplicationStatus.StandbyConnection;
import java.time.Duration;

/**
 * What ha-service does about a server's standby, as pure functions of what was observed: while it
 * catches up ({@link #catchUp}: ReplicatingData until it is confirmed synchronous, then Healthy) and
 * while the server is Healthy ({@link #watch}: a standby that stopped streaming for the loss timeout
 * no longer holds up commits). Each answer carries its reason, which ha-service logs.
 */
public final class StandbyDecision {
    private StandbyDecision() {
    }

    public enum Action {
        /** Nothing to change (the reason says what is awaited). */
        WAIT,
        /** The standby instance is gone from its agent: clone it again (CreatingStandby). */
        RECLONE,
        /** Commits must not wait for the standby (it fell behind or away): synchronous off on the primary. */
        DESYNC,
        /** Caught up: make it synchronous, and remember the primary's LSN it must replay past. */
        SYNC_ON,
        /** Synchronous and past the mark: it holds every acknowledged commit. */
        HEALTHY,
        /** Gone for the loss timeout while Healthy: the primary stops waiting for it (HaDegraded). */
        DEGRADE
    }

    public record Decision(Action action, String reason) {
    }

    /** How the standby's agent answered the standby's spec. */
    public enum AgentAnswer { ANSWERED, INSTANCE_GONE, NO_ANSWER }

    /**
     * One look at a standby that is catching up.
     *
     * @param agent      how its agent answered
     * @param error      the agent's error (NO_ANSWER)
     * @param connection the standby as the primary reports it (pg_stat_replication), null when not connected
     * @param syncing    the primary was made to wait for it already
     * @param mark       the primary's LSN when it was made synchronous (null before): Healthy once replayed past it
     */
    public record CatchUp(AgentAnswer agent, String error, StandbyConnection connection, boolean syncing, Long mark) {
    }

    public static Decision catchUp(CatchUp o, long readyLagBytes) {
        if (o.agent() == AgentAnswer.INSTANCE_GONE) {
            return new Decision(Action.RECLONE, "the standby instance is gone from its agent: cloning it again");
        }
        if (o.agent() == AgentAnswer.NO_ANSWER) {
            return o.syncing() ? new Decision(Action.DESYNC, "the standby's agent does not answer (" + o.error()
                    + "): the primary stops waiting for the standby") : new Decision(Action.WAIT,
                    "the standby's agent does not answer (" + o.error() + ")");
        }
        StandbyConnection c = o.connection();
        if (c == null || !"streaming".equals(c.state()) || c.lagBytes() > readyLagBytes) {
            String seen = c == null ? "not connected" : c.state() + ", " + c.lagBytes() + " bytes behind";
            return o.syncing() ? new Decision(Action.DESYNC, "the standby fell behind or away (" + seen
                    + "): the primary stops waiting for it") : new Decision(Action.WAIT, "the standby is not caught up yet: " + seen);
        }
        if (!o.syncing() || o.mark() == null) {
            return new Decision(Action.SYNC_ON, "the standby streams " + c.lagBytes() + " bytes behind: it becomes synchronous");
        }
        if (!"sync".equals(c.syncState()) || c.replayLsn() == null || lsn(c.replayLsn()) < o.mark()) {
            return new Decision(Action.WAIT, "the standby is synchronous (" + c.syncState() + "), replaying up to the mark "
                    + format(o.mark()) + " (at " + c.replayLsn() + ")");
        }
        return new Decision(Action.HEALTHY, "the standby is synchronous and has replayed everything acknowledged before it was");
    }

    /**
     * One look at the standby of a Healthy server.
     *
     * @param primaryAnswered the primary's agent reported its replication in time (false: nothing to judge by)
     * @param streaming       the primary reports the standby streaming
     * @param lostMillis      how long it has not been streaming (0 while it streams)
     */
    public static Decision watch(boolean primaryAnswered, boolean streaming, long lostMillis, Duration lossTimeout) {
        if (!primaryAnswered) {
            return new Decision(Action.WAIT, "the primary's agent did not report its replication: nothing to judge the standby by");
        }
        if (streaming) {
            return new Decision(Action.WAIT, "the standby streams");
        }
        if (lostMillis < lossTimeout.toMillis()) {
            return new Decision(Action.WAIT, "the standby has not streamed for " + lostMillis + " ms (commits wait for it up to "
                    + lossTimeout.toMillis() + " ms)");
        }
        return new Decision(Action.DEGRADE, "the standby has not streamed for " + lostMillis + " ms: the primary commits"
                + " without it until it is back");
    }

    /** An LSN as a number ({@code 0/5019710}). */
    public static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }
}
