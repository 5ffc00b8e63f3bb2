package io.pgflex.agent.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.EndpointUpdated;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether an endpoint leads to a primary, which one, and if not why — from what was routed and HAProxy's checks. */
class RouteStatesTest {
    static final EndpointUpdated ROUTE = HaproxyConfTest.route("s-1", 15000, true, List.of(), HaproxyConfTest.PRIMARY,
            HaproxyConfTest.STANDBY);
    static final RouteStates.View ROUTED = new RouteStates.View(Map.of("s-1", ROUTE), Set.of(), Map.of());

    static Map<String, Map<String, HaproxyStats.Member>> stats(String primaryState, String standbyState) {
        return Map.of("be_s-1", Map.of("i-1", new HaproxyStats.Member(primaryState, "L7OK agent up"),
                "i-2", new HaproxyStats.Member(standbyState, "L7STS agent down")));
    }

    static Stream<Arguments> scenarios() {
        EndpointUpdated closed = HaproxyConfTest.route("s-1", 15000, false, List.of(), HaproxyConfTest.PRIMARY);
        EndpointUpdated empty = HaproxyConfTest.route("s-1", 15000, true, List.of());
        return Stream.of(
                Arguments.of("the primary is UP", ROUTED, ROUTE, stats("UP", "DOWN"), true, "i-1", null),
                Arguments.of("the port belongs to a newer server", new RouteStates.View(Map.of(), Set.of(),
                        Map.of("s-1", "port 15000 belongs to server other now")), ROUTE, stats("UP", "DOWN"), false, "i-1",
                        "port 15000 belongs to server other now"),
                Arguments.of("another program holds the port", new RouteStates.View(Map.of(), Set.of(15000), Map.of()), ROUTE,
                        stats("UP", "DOWN"), false, "i-1", "port 15000 is taken on the router host by another program"),
                Arguments.of("public access disabled", ROUTED, closed, stats("UP", "DOWN"), false, "i-1",
                        "public network access is disabled: the endpoint admits no one"),
                Arguments.of("no instance", ROUTED, empty, Map.of(), false, null, "the server has no instance"),
                Arguments.of("no member is UP: the checks are named", ROUTED, ROUTE, stats("DOWN", "DOWN"), false, null,
                        "no member is a healthy primary; last checks: [i-1 DOWN (L7OK agent up), i-2 DOWN (L7STS agent down)]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void saysWhetherTheEndpointLeadsToAPrimaryAndWhyNot(String situation, RouteStates.View view, EndpointUpdated route,
                                                          Map<String, Map<String, HaproxyStats.Member>> stats,
                                                          boolean ready, String primary, String reason) {
        RouteStatus s = RouteStates.of(view, route, stats);
        assertEquals(ready, s.routable());
        assertEquals(primary, s.primaryInstanceId());
        assertEquals(reason, s.reason());
    }

    @Test
    void showStatIsReadPerBackendAndServer() {
        String csv = "# pxname,svname,status,check_status,last_chk,agent_status,last_agt\n"
                + "fe_s-1,FRONTEND,OPEN,,,,\n"
                + "be_s-1,i-1,UP,L7OK,ok,L7OK,up\n"
                + "be_s-1,i-2,DOWN,L4CON,refused,,\n"
                + "be_s-1,BACKEND,UP,,,,\n";
        Map<String, Map<String, HaproxyStats.Member>> parsed = HaproxyStats.parse(csv);
        assertEquals(Map.of("be_s-1", Map.of("i-1", new HaproxyStats.Member("UP", "L7OK ok; agent L7OK up"),
                "i-2", new HaproxyStats.Member("DOWN", "L4CON refused"))), parsed);
    }
}
