package io.pgflex.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfCheckTest {
    private final List<String> ran = new ArrayList<>();

    private Check holds(String name) {
        return new Check(name, () -> ran.add(name));
    }

    private Check fails(String name) {
        return new Check(name, () -> {
            ran.add(name);
            throw new Failed("seen otherwise");
        });
    }

    @Test
    void boundaryChecksAllRunAndEveryFailureCounts() {
        // given two failing checks among three
        List<Check> checks = List.of(fails("a"), holds("b"), fails("c"));

        // when they run as the boundary's
        int failed = SelfCheck.runAll(checks);

        // then all ran and both failures count
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(2, failed);
    }

    @Test
    void theRoundTripStopsAtItsFirstFailure() {
        // given a round trip whose second step fails
        List<Check> checks = List.of(holds("create"), fails("connect"), holds("delete"));

        // when it runs in order
        boolean held = SelfCheck.runInOrder(checks);

        // then the steps after the failure did not run (they need what it would have made)
        assertFalse(held);
        assertEquals(List.of("create", "connect"), ran);
    }

    @Test
    void anUnexpectedExceptionIsAFailureToo() {
        // given a check that throws something other than Failed
        List<Check> checks = List.of(new Check("x", () -> {
            throw new IllegalStateException("boom");
        }));

        // when it runs
        int failed = SelfCheck.runAll(checks);

        // then it counts as failed
        assertEquals(1, failed);
    }
}
