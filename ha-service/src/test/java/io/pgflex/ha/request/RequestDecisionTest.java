package io.pgflex.ha.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.ha.request.RequestDecision.Action;
import io.pgflex.ha.request.RequestDecision.Standby;
import io.pgflex.ha.servers.HaState;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestDecisionTest {
    static final Standby READY = new Standby(true, null, true, false, true, true);
    /** The primary is gone: the standby no longer streams, but runs in recovery with everything acknowledged. */
    static final Standby ORPHANED = new Standby(true, null, true, false, true, false);

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("planned, Healthy, streaming", "PlannedFailover", HaState.Healthy, null, false, READY,
                        Action.SWITCH_OVER, "the standby takes over with everything it wrote"),
                Arguments.of("forced, Healthy", "ForcedFailover", HaState.Healthy, null, false, READY, Action.FAIL_OVER,
                        "promoted at once"),
                Arguments.of("forced while the primary is down (the standby streams no more)", "ForcedFailover",
                        HaState.Healthy, null, false, ORPHANED, Action.FAIL_OVER, "promoted at once"),
                Arguments.of("planned while the primary is down", "PlannedFailover", HaState.Healthy, null, false, ORPHANED,
                        Action.REFUSE, "a ForcedFailover does not"),
                Arguments.of("forced while an unplanned failover runs", "ForcedFailover", HaState.FailingOver, "Promote", false,
                        null, Action.JOIN, "completes with it"),
                Arguments.of("planned while an unplanned failover runs", "PlannedFailover", HaState.FailingOver, "Fence", false,
                        null, Action.JOIN, "under way already (step Fence)"),
                Arguments.of("while another request's switchover runs", "ForcedFailover", HaState.FailingOver, "SwitchPromote",
                        true, null, Action.REFUSE, "another request's failover"),
                Arguments.of("standby catching up", "ForcedFailover", HaState.ReplicatingData, null, false, READY,
                        Action.REFUSE, "not confirmed synchronous yet (high availability is ReplicatingData)"),
                Arguments.of("no standby yet", "PlannedFailover", HaState.CreatingStandby, null, false, null, Action.REFUSE,
                        "no standby to take over"),
                Arguments.of("HA off", "PlannedFailover", HaState.NotEnabled, null, false, null, Action.REFUSE,
                        "no standby to take over"),
                Arguments.of("the standby's agent does not answer", "ForcedFailover", HaState.Healthy, null, false,
                        Standby.noAnswer("connect timed out"), Action.REFUSE, "does not answer (connect timed out)"),
                Arguments.of("the standby is fenced", "ForcedFailover", HaState.Healthy, null, false,
                        new Standby(true, null, false, true, null, false), Action.REFUSE, "fenced true"),
                Arguments.of("an unknown mode", "Sideways", HaState.Healthy, null, false, READY, Action.REFUSE,
                        "unknown failover mode"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesARequestedFailoverWithAReason(String scenario, String mode, HaState state, String step, boolean owned,
                                              Standby standby, Action action, String reason) {
        RequestDecision.Decision d = RequestDecision.decide(mode, state, step, owned, standby);
        assertEquals(action, d.action(), scenario + ": " + d.reason());
        assertTrue(d.reason().contains(reason), scenario + ": " + d.reason());
    }
}
