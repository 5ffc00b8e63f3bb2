package io.pgflex.maintenance.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VersionsTest {

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("16.15", "16.16", true, "16.15 is older than the current minor 16.16"),
                Arguments.of("16.15.0", "16.16.0", true, "16.15.0 is older than the current minor 16.16.0"),
                Arguments.of("16.9", "16.16", true, "16.9 is older than the current minor 16.16"),
                Arguments.of("16.16", "16.16.0", false, "16.16 is the current minor"),
                Arguments.of("16.17", "16.16", false, "16.17 is newer than the current minor 16.16: never downgraded"),
                Arguments.of("15.14", "16.16", false, "a major upgrade is not a maintenance: 15.14 stays on major 15"));
    }

    @ParameterizedTest(name = "{0} with {1} current: due {2}")
    @MethodSource("scenarios")
    void decidesWhetherAServerIsDueWithItsReason(String running, String current, boolean due, String reason) {
        Versions.Due d = Versions.due(running, current);
        assertEquals(due, d.due());
        assertEquals(reason, d.reason());
    }

    @Test
    void somethingThatIsNoVersionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Versions.due("16", "16.16"));
    }
}
