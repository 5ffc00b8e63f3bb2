package io.pgflex.ha.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.ha.failover.FailoverDecision.Action;
import io.pgflex.ha.failover.HaSnapshot.StandbyView;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailoverDecisionTest {
    static final HaPolicy POLICY = new HaPolicy(Duration.ofSeconds(3), Duration.ofMinutes(15), Duration.ofSeconds(1));
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    /** The standby's agent: the primary is gone from its side too; the standby streams no more, ready to take over. */
    static final StandbyView AGREES = StandbyView.answer(false, true, false, true);

    static HaSnapshot down(long millis, boolean agentAlive, StandbyView standby) {
        return new HaSnapshot(false, millis, agentAlive, standby, true, null, NOW);
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("the primary answers", new HaSnapshot(true, 0, true, null, true, null, NOW),
                        Action.NONE, "the primary answers"),
                Arguments.of("host loss: no heartbeat, the standby agrees", down(3200, false, AGREES),
                        Action.FAIL_OVER, "host is unreachable (no agent heartbeat"),
                Arguments.of("host loss, within the detection timeout", down(1500, false, AGREES),
                        Action.WAIT, "does not answer for 1500 ms (failover after 3000 ms)"),
                Arguments.of("PostgreSQL down, agent alive, within the timeout: restarted in place", down(1800, true, null),
                        Action.WAIT, "restarts a crashed PostgreSQL in place"),
                Arguments.of("PostgreSQL down, agent alive, past the timeout", down(3100, true, AGREES),
                        Action.FAIL_OVER, "its agent is alive, but did not bring it back"),
                Arguments.of("hung host: probes time out, heartbeats stopped", down(3700, false, AGREES),
                        Action.FAIL_OVER, "host is unreachable"),
                Arguments.of("past the timeout, the standby's view not in yet", down(3100, false, null),
                        Action.WAIT, "asking the standby's agent"),
                Arguments.of("ha-service cut off: the standby still reaches the primary",
                        down(5000, false, StandbyView.answer(true, true, false, true)),
                        Action.HOLD, "ha-service is cut off, not the primary"),
                Arguments.of("the standby did not say whether it reaches the primary",
                        down(5000, false, StandbyView.answer(null, true, false, true)),
                        Action.HOLD, "ha-service is cut off"),
                Arguments.of("standby cut off as well: its agent does not answer",
                        down(5000, true, StandbyView.noAnswer("connect timed out")),
                        Action.HOLD, "standby's agent does not answer either (connect timed out)"),
                Arguments.of("both agents silent", down(8000, false, StandbyView.noAnswer("connection refused")),
                        Action.HOLD, "ha-service may be the one cut off"),
                Arguments.of("standby lagging: not confirmed synchronous",
                        new HaSnapshot(false, 4000, false, AGREES, false, null, NOW),
                        Action.HOLD, "not confirmed synchronous: promoting it could lose acknowledged commits"),
                Arguments.of("standby fenced", down(4000, false, StandbyView.answer(false, false, true, true)),
                        Action.HOLD, "cannot take over (running false, fenced true"),
                Arguments.of("standby promoted already (not in recovery)", down(4000, false, StandbyView.answer(false, true, false, false)),
                        Action.HOLD, "in recovery false"),
                Arguments.of("second fault 4 min after a failover, standby synchronous",
                        new HaSnapshot(false, 3300, false, AGREES, true, NOW.minusSeconds(240), NOW),
                        Action.FAIL_OVER, "a repeated fault 240 s after the last failover, failed over again"),
                Arguments.of("second fault within the quiet period, standby not synchronous",
                        new HaSnapshot(false, 3300, false, AGREES, false, NOW.minusSeconds(240), NOW),
                        Action.HOLD, "not confirmed synchronous"),
                Arguments.of("primary gone while the standby is still catching up (no standby view asked)",
                        new HaSnapshot(false, 5000, false, null, false, null, NOW),
                        Action.HOLD, "not confirmed synchronous"),
                Arguments.of("a fault long after the last failover",
                        new HaSnapshot(false, 3300, false, AGREES, true, NOW.minus(Duration.ofDays(2)), NOW),
                        Action.FAIL_OVER, "for 3300 ms"));
    }

    static Stream<Arguments> availability() {
        return Stream.of(
                Arguments.of("the primary answers", new HaSnapshot(true, 0, true, null, true, null, NOW), false),
                Arguments.of("one slow probe (600 ms): not an outage yet", down(600, true, null), false),
                Arguments.of("1.2 s without an answer, waiting for an in-place restart", down(1200, true, null), true),
                Arguments.of("held back (ha-service may be cut off): nobody connects either", down(8000, false,
                        StandbyView.noAnswer("connection refused")), true),
                Arguments.of("a server without a synchronous standby, primary gone",
                        new HaSnapshot(false, 5000, false, null, false, null, NOW), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("availability")
    void tellsWhetherThePrimaryCountsAsUnavailable(String scenario, HaSnapshot snapshot, boolean unavailable) {
        assertEquals(unavailable, FailoverDecision.unavailable(snapshot, POLICY), scenario);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesWithAReason(String scenario, HaSnapshot snapshot, Action action, String reason) {
        FailoverDecision.Decision d = FailoverDecision.decide(snapshot, POLICY);
        assertEquals(action, d.action(), scenario + ": " + d.reason());
        assertTrue(d.reason().contains(reason), scenario + ": " + d.reason());
    }
}
