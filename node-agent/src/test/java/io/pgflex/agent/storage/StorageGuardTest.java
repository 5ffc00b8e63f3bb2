package io.pgflex.agent.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.agent.storage.StorageGuard.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageGuardTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            under the limit                    | 900  | 1000 | true  | false | NONE    | under the limit
            at the limit                       | 1000 | 1000 | true  | false | BLOCK   | reached the limit
            over the limit                     | 1200 | 1000 | true  | false | BLOCK   | refused and ended
            blocked, still at the limit        | 990  | 1000 | true  | true  | NONE    | stay refused
            blocked, just under the limit      | 985  | 1000 | true  | true  | NONE    | stay refused
            blocked, storage grown             | 990  | 2000 | true  | true  | UNBLOCK | tenants admitted
            blocked, usage fell under 98 %     | 979  | 1000 | true  | true  | UNBLOCK | under 98.0 %
            a standby is never blocked         | 1200 | 1000 | false | false | NONE    | standby takes no writes
            a blocked standby (was primary)    | 1200 | 1000 | false | true  | UNBLOCK | standby takes no writes
            no limit known                     | 1200 | 0    | true  | false | NONE    | no storage limit
            """)
    void decidesWithAReason(String scenario, long used, long limit, boolean primary, boolean blocked, Action action, String reason) {
        StorageGuard.Decision d = StorageGuard.decide(used, limit, 100, primary, blocked);
        assertEquals(action, d.action(), scenario + ": " + d.reason());
        assertTrue(d.reason().contains(reason), scenario + ": " + d.reason());
    }

    @ParameterizedTest(name = "limit at {0} %: {1} bytes of 1000 while blocked -> {2}")
    @CsvSource({"90, 890, NONE", "90, 879, UNBLOCK", "100, 979, UNBLOCK", "100, 981, NONE"})
    void resumesTwoPointsUnderALimitSetBelowTheResumeShare(double limitPercent, long used, Action action) {
        StorageGuard.Decision d = StorageGuard.decide(used, 1000, limitPercent, true, true);
        assertEquals(action, d.action(), d.reason());
    }
}
