package io.pgflex.maintenance.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.maintenance.plan.Rollout.Action;
import io.pgflex.maintenance.plan.Rollout.State;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The next step of a rollout, scenario by scenario, with its reason. */
class RolloutTest {

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("non-HA, outside its window",
                        new State(false, "16.16", "16.15", null, false, false, false, null), Action.WAIT_FOR_WINDOW,
                        "nothing is patched outside the server's window unless the user asks to apply it now"),
                Arguments.of("non-HA, outside its window, applyNow",
                        new State(false, "16.16", "16.15", null, false, false, true, null), Action.PATCH_IN_PLACE,
                        "no standby to switch to: a fast checkpoint, a restart on 16.16 (the one outage)"),
                Arguments.of("non-HA, in its window",
                        new State(false, "16.16", "16.15", null, false, true, false, null), Action.PATCH_IN_PLACE,
                        "no standby to switch to: a fast checkpoint, a restart on 16.16 (the one outage)"),
                Arguments.of("non-HA, patched",
                        new State(false, "16.16", "16.16", null, false, true, false, null), Action.DONE, "every instance runs 16.16"),
                Arguments.of("HA, in its window, nothing patched",
                        new State(true, "16.16", "16.15", "16.15", true, true, false, null), Action.PATCH_STANDBY,
                        "the standby first: the primary keeps serving on 16.15 while the standby restarts on 16.16"),
                Arguments.of("HA, standby patched, still catching up",
                        new State(true, "16.16", "16.15", "16.16", false, true, false, null), Action.WAIT_FOR_SYNCHRONOUS_STANDBY,
                        "the patched standby must be synchronous again before the switchover, so no acknowledged commit is lost"),
                Arguments.of("HA, standby patched and synchronous",
                        new State(true, "16.16", "16.15", "16.16", true, true, false, null), Action.SWITCHOVER,
                        "the standby runs 16.16 and is synchronous: a planned switchover (writes pause only for it), then the old primary is patched"),
                Arguments.of("HA, switched over",
                        new State(true, "16.16", "16.16", "16.15", true, true, false, null), Action.PATCH_STANDBY,
                        "the old primary, now the standby, gets 16.16 (the server serves from the patched primary)"),
                Arguments.of("HA, both patched",
                        new State(true, "16.16", "16.16", "16.16", true, true, false, null), Action.DONE, "every instance runs 16.16"),
                Arguments.of("HA, window closed half-way (switched over): the rest waits",
                        new State(true, "16.16", "16.16", "16.15", true, false, false, null), Action.WAIT_FOR_WINDOW,
                        "nothing is patched outside the server's window unless the user asks to apply it now"),
                Arguments.of("a step failed",
                        new State(true, "16.16", "16.15", "16.16", false, true, false, "the standby did not start on 16.16"),
                        Action.ROLL_BACK,
                        "the last step failed (the standby did not start on 16.16): the instance goes back to its previous binaries and the server keeps serving; tried again in the next window"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesTheNextStepWithItsReason(String scenario, State state, Action action, String reason) {
        Rollout.Step step = Rollout.next(state);
        assertEquals(action, step.action(), scenario);
        assertEquals(reason, step.reason(), scenario);
    }
}
