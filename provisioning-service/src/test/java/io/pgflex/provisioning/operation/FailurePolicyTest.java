package io.pgflex.provisioning.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.provisioning.operation.FailurePolicy.Action;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether a failed step ends its operation or is tried again, after how long, and why: one row per situation. */
class FailurePolicyTest {
    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("the step says retrying cannot fix it", new FailurePolicy.Permanent("ResourceNotFound", "gone"), 1,
                        Action.FAIL, "ResourceNotFound", Duration.ZERO, "retrying cannot fix it"),
                Arguments.of("the agent refused the request as invalid (400)", agentAnswered(400), 1, Action.FAIL,
                        "InstanceRequestRejected", Duration.ZERO, "retrying cannot fix it"),
                Arguments.of("the agent is busy with the instance (409): tried again", agentAnswered(409), 1, Action.RETRY, null,
                        Duration.ofSeconds(2), "attempt 1 of 5 failed: tried again in 2000 ms"),
                Arguments.of("the agent asks to slow down (429): tried again", agentAnswered(429), 2, Action.RETRY, null,
                        Duration.ofSeconds(4), "attempt 2 of 5 failed: tried again in 4000 ms"),
                Arguments.of("the agent failed (500): tried again", agentAnswered(500), 3, Action.RETRY, null,
                        Duration.ofSeconds(8), "attempt 3 of 5 failed: tried again in 8000 ms"),
                Arguments.of("the agent does not answer: tried again", new IllegalStateException("connect timed out"), 4,
                        Action.RETRY, null, Duration.ofSeconds(16), "attempt 4 of 5 failed: tried again in 16000 ms"),
                Arguments.of("the last attempt failed", new IllegalStateException("connect timed out"), 5, Action.FAIL,
                        "OperationFailed", Duration.ZERO, "attempt 5 of 5 failed: no attempt left"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesWithItsReason(String situation, RuntimeException failure, int attempts, Action action, String code,
                              Duration backoff, String reason) {
        FailurePolicy.Decision d = FailurePolicy.decide(FailurePolicy.permanentCode(failure), attempts, 5);
        assertEquals(action, d.action());
        assertEquals(code, d.code());
        assertEquals(backoff, d.backoff());
        assertEquals(reason, d.reason());
    }

    @org.junit.jupiter.api.Test
    void theBackoffStopsGrowingAtThirtySeconds() {
        assertEquals(Duration.ofSeconds(30), FailurePolicy.decide(null, 9, 20).backoff());
    }

    private static WebApplicationException agentAnswered(int status) {
        return new WebApplicationException(Response.status(status).build());
    }
}
