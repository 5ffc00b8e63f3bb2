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
    private static final String OLD_PRIMARY = "the old primary, now the standby, gets 16.16 (the server serves from the patched primary;"
            + " done even if the window closed, since a standby older than its primary may not replay its WAL)";

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("non-HA, outside its window",
                        new State(false, "16.16", "16.15", null, false, false, false, false, false, null), Action.WAIT_FOR_WINDOW,
                        "nothing is patched outside the server's window unless the user asks to apply it now"),
                Arguments.of("non-HA, outside its window, applyNow",
                        new State(false, "16.16", "16.15", null, false, false, false, true, false, null), Action.PATCH_IN_PLACE,
                        "no standby to switch to: a fast checkpoint, a restart on 16.16 (the one outage)"),
                Arguments.of("non-HA, in its window",
                        new State(false, "16.16", "16.15", null, false, false, true, false, false, null), Action.PATCH_IN_PLACE,
                        "no standby to switch to: a fast checkpoint, a restart on 16.16 (the one outage)"),
                Arguments.of("non-HA, patched",
                        new State(false, "16.16", "16.16", null, false, false, true, false, false, null), Action.DONE, "every instance runs 16.16 or newer"),
                Arguments.of("HA, in its window, nothing patched",
                        new State(true, "16.16", "16.15", "16.15", true, false, true, false, false, null), Action.PATCH_STANDBY,
                        "the standby first: the primary keeps serving on 16.15 while the standby restarts on 16.16"),
                Arguments.of("HA, standby patched, still catching up",
                        new State(true, "16.16", "16.15", "16.16", false, false, true, false, false, null), Action.WAIT_FOR_SYNCHRONOUS_STANDBY,
                        "the patched standby must be synchronous again before the switchover, so no acknowledged commit is lost"),
                Arguments.of("HA, standby patched and synchronous",
                        new State(true, "16.16", "16.15", "16.16", true, false, true, false, false, null), Action.SWITCHOVER,
                        "the standby runs 16.16 and is synchronous: a planned switchover (writes pause only for it), then the old primary is patched"),
                Arguments.of("HA, switched over",
                        new State(true, "16.16", "16.16", "16.15", true, false, true, false, false, null), Action.PATCH_STANDBY,
                        OLD_PRIMARY),
                Arguments.of("HA, both patched",
                        new State(true, "16.16", "16.16", "16.16", true, false, true, false, false, null), Action.DONE, "every instance runs 16.16 or newer"),
                Arguments.of("HA, window closed after the switchover: the old primary is patched all the same",
                        new State(true, "16.16", "16.16", "16.15", true, false, false, false, false, null), Action.PATCH_STANDBY,
                        OLD_PRIMARY),
                Arguments.of("non-HA already on the target spelled with a patch level",
                        new State(false, "16.16", "16.16.0", null, false, false, true, false, false, null), Action.DONE,
                        "every instance runs 16.16 or newer"),
                Arguments.of("non-HA on a newer minor than the target: never downgraded",
                        new State(false, "16.16", "16.17", null, false, false, true, false, false, null), Action.DONE,
                        "every instance runs 16.16 or newer"),
                Arguments.of("non-HA, rolled back earlier in this still-open window",
                        new State(false, "16.16", "16.15", null, false, false, true, false, true, null), Action.WAIT_FOR_WINDOW,
                        "a step failed and was rolled back in this window: tried again in the next one"),
                Arguments.of("HA, the patched standby never caught up in time",
                        new State(true, "16.16", "16.15", "16.16", false, true, true, false, false, null), Action.ROLL_BACK,
                        "the patched standby did not become synchronous in time: it goes back to 16.15 and the maintenance is tried again in the next window"),
                Arguments.of("a step failed",
                        new State(true, "16.16", "16.15", "16.16", false, false, true, false, false, "the standby did not start on 16.16"),
                        Action.ROLL_BACK,
                        "the last step failed (the standby did not start on 16.16): the instance it patched goes back to its previous binaries and the server keeps serving; tried again in the next window"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesTheNextStepWithItsReason(String scenario, State state, Action action, String reason) {
        Rollout.Step step = Rollout.next(state);
        assertEquals(action, step.action(), scenario);
        assertEquals(reason, step.reason(), scenario);
    }
}
