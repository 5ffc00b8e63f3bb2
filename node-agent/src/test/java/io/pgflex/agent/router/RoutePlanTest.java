package io.pgflex.agent.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.contracts.events.EndpointUpdated.EndpointMember;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which routes the next HAProxy configuration carries, and why the others do not: one row per situation. */
class RoutePlanTest {
    static final EndpointMember PRIMARY = HaproxyConfTest.PRIMARY;
    static final EndpointMember STANDBY = HaproxyConfTest.STANDBY;

    static EndpointUpdated route(String id, int port, Instant updatedAt, EndpointMember... members) {
        return new EndpointUpdated(id, "sub", "op", 1, "srv-" + id, 1, "localhost", port, port + 1000, true, List.of(),
                List.of(members), updatedAt);
    }

    static final EndpointUpdated A = route("a", 15000, Instant.parse("2026-01-01T00:00:00Z"), PRIMARY, STANDBY);
    static final EndpointUpdated B_SAME_PORT_NEWER = route("b", 15000, Instant.parse("2026-02-01T00:00:00Z"), PRIMARY);
    static final EndpointUpdated C = route("c", 15001, Instant.parse("2026-01-01T00:00:00Z"), PRIMARY);
    static final EndpointUpdated BAD = route("d", 15002, Instant.EPOCH,
            new EndpointMember("i-9\n    bind *:22", "agent-1", "localhost", 6001, 7001, "127.0.0.1", 8190));

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("every route has its own free ports: all routed", List.of(A, C), Map.of(), Set.of(), Set.of(),
                        List.of("a", "c"), Set.of(), Map.of()),
                Arguments.of("two routes on one port: the newer wins, the older says whose port it is", List.of(A, B_SAME_PORT_NEWER),
                        Map.of(), Set.of(), Set.of(), List.of("b"), Set.of(),
                        Map.of("a", "port 15000 belongs to server srv-b now")),
                Arguments.of("a port another program holds is skipped, the route stays", List.of(C), Map.of(), Set.of(),
                        Set.of(15001), List.of("c"), Set.of(15001), Map.of()),
                Arguments.of("a port the running HAProxy binds is ours, not taken", List.of(C), Map.of(), Set.of(15001, 16001),
                        Set.of(15001, 16001), List.of("c"), Set.of(), Map.of()),
                Arguments.of("a route HAProxy cannot take is refused alone", List.of(A, BAD), Map.of(), Set.of(), Set.of(),
                        List.of("a"), Set.of(), Map.of("d", "invalid route: " + invalidReason())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void plansWithReasons(String situation, List<EndpointUpdated> table, Map<String, Set<String>> fenced, Set<Integer> ours,
                          Set<Integer> taken, List<String> routed, Set<Integer> skipped, Map<String, String> conflicts) {
        Map<String, EndpointUpdated> routes = new TreeMap<>();
        table.forEach(r -> routes.put(r.serverId(), r));
        RoutePlan.Plan plan = RoutePlan.of(routes, fenced, ours, port -> !taken.contains(port));
        assertEquals(routed, plan.routed().stream().map(EndpointUpdated::serverId).toList());
        assertEquals(skipped, plan.skipped());
        assertEquals(conflicts, plan.conflicts());
    }

    @org.junit.jupiter.api.Test
    void membersAFailoverTookAwayAreLeftOutUntilRebuilt() {
        RoutePlan.Plan plan = RoutePlan.of(Map.of("a", A), Map.of("a", Set.of(PRIMARY.instanceId())), Set.of(), p -> true);
        assertEquals(List.of(STANDBY.instanceId()),
                plan.routed().get(0).members().stream().map(EndpointMember::instanceId).toList());
    }

    private static String invalidReason() {
        try {
            HaproxyConf.check(BAD);
            return "(accepted)";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
