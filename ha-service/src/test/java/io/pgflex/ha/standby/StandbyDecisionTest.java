package io.pgflex.ha.standby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.ReplicationStatus.StandbyConnection;
import io.pgflex.ha.standby.StandbyDecision.Action;
import io.pgflex.ha.standby.StandbyDecision.AgentAnswer;
import io.pgflex.ha.standby.StandbyDecision.CatchUp;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StandbyDecisionTest {
    static final long READY = 16L << 20;
    static final long MARK = StandbyDecision.lsn("0/5000000");

    static StandbyConnection streaming(String sync, long lag, String replay) {
        return new StandbyConnection("pgflex_x", "streaming", sync, replay, lag, 10);
    }

    static Stream<Arguments> catchUp() {
        return Stream.of(
                Arguments.of("the standby instance is gone from its agent", new CatchUp(AgentAnswer.INSTANCE_GONE, "404", null,
                        false, null), Action.RECLONE, "cloning it again"),
                Arguments.of("its agent does not answer, the primary does not wait for it", new CatchUp(AgentAnswer.NO_ANSWER,
                        "connect timed out", null, false, null), Action.WAIT, "does not answer (connect timed out)"),
                Arguments.of("its agent does not answer while the primary waits for it", new CatchUp(AgentAnswer.NO_ANSWER,
                        "connect timed out", streaming("sync", 0, "0/5000000"), true, MARK), Action.DESYNC,
                        "stops waiting for the standby"),
                Arguments.of("not connected yet", new CatchUp(AgentAnswer.ANSWERED, null, null, false, null), Action.WAIT,
                        "not caught up yet: not connected"),
                Arguments.of("streaming, 40 MiB behind", new CatchUp(AgentAnswer.ANSWERED, null, streaming("async", 40L << 20,
                        "0/1000000"), false, null), Action.WAIT, "41943040 bytes behind"),
                Arguments.of("fell behind while synchronous", new CatchUp(AgentAnswer.ANSWERED, null, streaming("sync", 40L << 20,
                        "0/1000000"), true, MARK), Action.DESYNC, "fell behind or away"),
                Arguments.of("caught up: becomes synchronous", new CatchUp(AgentAnswer.ANSWERED, null, streaming("async", 1024,
                        "0/4FFFC00"), false, null), Action.SYNC_ON, "it becomes synchronous"),
                Arguments.of("synchronous, not past the mark yet", new CatchUp(AgentAnswer.ANSWERED, null, streaming("sync", 1024,
                        "0/4FFFC00"), true, MARK), Action.WAIT, "replaying up to the mark 0/5000000"),
                Arguments.of("potential, not sync yet", new CatchUp(AgentAnswer.ANSWERED, null, streaming("potential", 0,
                        "0/5000010"), true, MARK), Action.WAIT, "is synchronous (potential)"),
                Arguments.of("synchronous and past the mark", new CatchUp(AgentAnswer.ANSWERED, null, streaming("sync", 0,
                        "0/5000010"), true, MARK), Action.HEALTHY, "has replayed everything acknowledged"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catchUp")
    void decidesACatchingUpStandbyWithAReason(String scenario, CatchUp observed, Action action, String reason) {
        StandbyDecision.Decision d = StandbyDecision.catchUp(observed, READY);
        assertEquals(action, d.action(), scenario + ": " + d.reason());
        assertTrue(d.reason().contains(reason), scenario + ": " + d.reason());
    }

    static Stream<Arguments> watch() {
        return Stream.of(
                Arguments.of("the primary's agent did not report", false, false, 9000L, Action.WAIT, "nothing to judge"),
                Arguments.of("the standby streams", true, true, 0L, Action.WAIT, "the standby streams"),
                Arguments.of("gone for 1.5 s: commits still wait for it", true, false, 1500L, Action.WAIT,
                        "commits wait for it up to 3000 ms"),
                Arguments.of("gone for the loss timeout", true, false, 3000L, Action.DEGRADE, "commits without it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("watch")
    void decidesAHealthyServersStandbyWithAReason(String scenario, boolean primaryAnswered, boolean streaming, long lost,
                                                  Action action, String reason) {
        StandbyDecision.Decision d = StandbyDecision.watch(primaryAnswered, streaming, lost, Duration.ofSeconds(3));
        assertEquals(action, d.action(), scenario + ": " + d.reason());
        assertTrue(d.reason().contains(reason), scenario + ": " + d.reason());
    }
}
