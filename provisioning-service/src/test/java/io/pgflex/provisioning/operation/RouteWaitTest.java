package io.pgflex.provisioning.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.RouteStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a step waiting for the router finishes, and why (given what the router says and the time). */
class RouteWaitTest {
    private static final Instant UNTIL = Instant.parse("2026-12-07T12:00:30Z");

    @ParameterizedTest(name = "{7}")
    @CsvSource(delimiter = '|', value = {
            // answered | generation | routable | pgBouncerRoutable | secondsBeforeUntil | expected | reason contains | why
            "true  | 5 | true  | true  | 10 | ROUTED  | routes generation 5    | the router has the route and leads to the primary",
            "true  | 6 | true  | true  | 10 | ROUTED  | routes generation 6    | a newer route (another change after this one) carries this one too",
            "true  | 4 | true  | true  | 10 | WAIT    | not yet 5              | the router has not taken in this route yet",
            "true  | 5 | false | false | 10 | WAIT    | leads nowhere yet      | the route is in but the instance is not up behind it",
            "true  | 5 | true  | false | 10 | WAIT    | PgBouncer port         | PgBouncer is on and its port leads nowhere yet",
            "false | 0 | false | false | 10 | WAIT    | did not answer         | the router agent does not answer: ask again",
            "false | 0 | false | false | 0  | GIVE_UP | did not answer         | waited long enough: the operation ends, the router takes it in when it can",
            "true  | 4 | true  | true  | -5 | GIVE_UP | waited until           | past the wait: not failed (the route waits in Kafka)",
    })
    void decide(boolean answered, long generation, boolean routable, boolean pgBouncerRoutable, int secondsBeforeUntil,
                RouteWait.Next expected, String reasonContains, String why) {
        RouteWait wait = new RouteWait(5, true, true, UNTIL, 0, null, null);
        RouteStatus route = answered ? new RouteStatus("s", "localhost", 15000, 16000, generation, routable, "i", pgBouncerRoutable,
                routable ? null : "no primary UP", List.of()) : null;

        RouteWait.Decision d = wait.decide(route, UNTIL.minusSeconds(secondsBeforeUntil));

        assertEquals(expected, d.next(), why);
        assertTrue(d.reason().contains(reasonContains.strip()), d.reason());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "0  | 100  | just started: ask again soon (the router usually has it within a second)",
            "2  | 400  | two seconds in: less often",
            "10 | 1000 | a router that has been away for long: once a second, no more",
    })
    void pollAfter(int secondsWaited, long expectedMillis, String why) {
        RouteWait wait = new RouteWait(5, true, false, UNTIL, 0, null, null);
        java.time.Duration routerWait = java.time.Duration.ofSeconds(30);

        assertEquals(expectedMillis, wait.pollAfter(routerWait, UNTIL.minus(routerWait).plusSeconds(secondsWaited)).toMillis(), why);
    }
}
