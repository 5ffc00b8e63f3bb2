package io.pgflex.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NextAutomaticBackupTest {
    static final Instant T = Instant.parse("2026-12-03T06:00:00Z");

    static Stream<Arguments> scenarios() {
        return Stream.of(
                // last failed, seconds since it started, its instance, primary now, restorable, due, reason
                Arguments.of(false, 30 * 60, "a", "a", true, false, "interval PT24H has not passed"),
                Arguments.of(false, 24 * 3600, "a", "a", true, true, "interval PT24H has passed"),
                Arguments.of(true, 60, "a", "a", true, false, "retry PT5M has not passed"),
                Arguments.of(true, 300, "a", "a", true, true, "retry PT5M has passed"),
                Arguments.of(true, 60, "a", "b", true, true, "the last backup failed on a and the primary is now b"),
                Arguments.of(false, 60, "a", "b", true, false, "interval PT24H has not passed"),
                Arguments.of(true, 60, "a", null, true, false, "retry PT5M has not passed"),
                // a new server's first backup sent to a primary that was just failed over, the move not known here yet
                Arguments.of(true, 5, "a", "a", false, false, "no restore point yet: retry PT15S has not passed"),
                Arguments.of(true, 15, "a", "a", false, true, "no restore point yet: retry PT15S has passed"));
    }

    @ParameterizedTest(name = "failed={0} {1} s ago on {2}, primary {3}, restorable {4} -> {5}")
    @MethodSource("scenarios")
    void decides(boolean failed, int secondsAgo, String lastInstance, String primary, boolean restorable, boolean due,
                 String reason) {
        Backups.Due d = Backups.nextAutomatic(failed, T.minus(Duration.ofSeconds(secondsAgo)), lastInstance, primary,
                restorable, Duration.ofHours(24), T);
        assertEquals(reason, d.reason());
        assertEquals(due, d.due());
    }

    static Stream<Arguments> running() {
        return Stream.of(
                // agent answered, knows the job, primary moved, seconds since recorded, gives up, reason
                Arguments.of(true, true, false, 10, false, "the backup runs"),
                Arguments.of(true, false, false, 10, false, "the backup runs"),
                Arguments.of(true, false, false, 31, true, "no longer knows the backup"),
                Arguments.of(false, false, false, 60, false, "the backup runs"),
                Arguments.of(false, false, true, 2, true, "the primary moved to another instance while the backup ran"),
                Arguments.of(true, true, true, 2, false, "the backup runs"),
                Arguments.of(false, false, false, 7 * 3600, true, "no word from the node agent for PT6H"));
    }

    @ParameterizedTest(name = "answered={0} known={1} moved={2} {3} s -> {4}")
    @MethodSource("running")
    void followsARunningBackupOrGivesItUp(boolean answered, boolean known, boolean moved, int seconds, boolean giveUp,
                                          String reason) {
        Backups.Due d = Backups.giveUp(answered, known, moved, Duration.ofSeconds(seconds), Duration.ofHours(6));
        assertEquals(giveUp, d.due(), d.reason());
        org.junit.jupiter.api.Assertions.assertTrue(d.reason().contains(reason), d.reason());
    }
}
