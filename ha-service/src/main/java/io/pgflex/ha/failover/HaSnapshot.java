package io.pgflex.ha.failover;

import java.time.Instant;

/**
 * What ha-service observed of one HA server in one cycle, for {@link FailoverDecision#decide}: no
 * I/O behind it, so every decision can be replayed in a unit test.
 *
 * @param primaryAnswers    the primary answered the SQL probe (TLS, SCRAM) within the probe timeout
 * @param primaryDownMillis how long the primary has not answered (0 while it answers)
 * @param primaryAgentAlive the primary's node agent sent a heartbeat within the last 3 s
 * @param standby           the standby agent's view, asked for while the primary does not answer;
 *                          null while that answer is not in yet
 * @param synchronous       the server is Healthy: its standby has been synchronous since it caught
 *                          up, so it holds every commit the primary acknowledged
 * @param lastFailoverAt    the server's last unplanned failover (null: none)
 * @param now               the cycle's time
 */
public record HaSnapshot(boolean primaryAnswers, long primaryDownMillis, boolean primaryAgentAlive, StandbyView standby,
                         boolean synchronous, Instant lastFailoverAt, Instant now) {

    /**
     * The standby's agent's answer.
     *
     * @param answered       its agent answered in time (false: the error says what happened)
     * @param reachesPrimary the standby reaches the primary with the probe itself (null: it did not say)
     */
    public record StandbyView(boolean answered, String error, Boolean reachesPrimary, boolean running, boolean fenced,
                              Boolean inRecovery) {
        public static StandbyView noAnswer(String error) {
            return new StandbyView(false, error, null, false, false, null);
        }

        public static StandbyView answer(Boolean reachesPrimary, boolean running, boolean fenced, Boolean inRecovery) {
            return new StandbyView(true, null, reachesPrimary, running, fenced, inRecovery);
        }
    }
}
