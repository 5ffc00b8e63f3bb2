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
                // last failed, minutes since it started, its instance, primary now, due, reason
                Arguments.of(false, 30, "a", "a", false, "interval PT24H has not passed"),
                Arguments.of(false, 24 * 60, "a", "a", true, "interval PT24H has passed"),
                Arguments.of(true, 1, "a", "a", false, "retry PT5M has not passed"),
                Arguments.of(true, 5, "a", "a", true, "retry PT5M has passed"),
                Arguments.of(true, 1, "a", "b", true, "the last backup failed on a and the primary is now b"),
                Arguments.of(false, 1, "a", "b", false, "interval PT24H has not passed"),
                Arguments.of(true, 1, "a", null, false, "retry PT5M has not passed"));
    }

    @ParameterizedTest(name = "failed={0} {1} min ago on {2}, primary {3} -> {4}")
    @MethodSource("scenarios")
    void decides(boolean failed, int minutesAgo, String lastInstance, String primary, boolean due, String reason) {
        Backups.Due d = Backups.nextAutomatic(failed, T.minus(Duration.ofMinutes(minutesAgo)), lastInstance, primary,
                Duration.ofHours(24), T);
        assertEquals(reason, d.reason());
        assertEquals(due, d.due());
    }
}
