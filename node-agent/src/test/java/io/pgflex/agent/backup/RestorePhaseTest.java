package io.pgflex.agent.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.agent.backup.RestorePhase.Step;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which step a restore call takes from what the instance shows, and why: one row per situation. */
class RestorePhaseTest {
    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("nothing there", false, false, false, Step.FRESH,
                        "a new instance: download the backup and replay WAL"),
                Arguments.of("restored and promoted before: the call is repeated", true, false, true, Step.BRING_TO_SPEC,
                        "restored before (the call is repeated): bringing it to its spec"),
                Arguments.of("restored before and stopped since", true, false, false, Step.BRING_TO_SPEC,
                        "restored before (the call is repeated): bringing it to its spec"),
                Arguments.of("replay runs: an earlier call was cut short after the start", true, true, true, Step.FOLLOW_REPLAY,
                        "its restore is replaying already; following it"),
                Arguments.of("cut short before replay started", true, true, false, Step.START_OVER,
                        "an earlier restore was cut short before replay; starting it again"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesTheStepWithItsReason(String situation, boolean recorded, boolean restoreMarked, boolean running, Step step,
                                     String reason) {
        RestorePhase phase = RestorePhase.of(recorded, restoreMarked, running);
        assertEquals(step, phase.step());
        assertEquals(reason, phase.reason());
    }
}
