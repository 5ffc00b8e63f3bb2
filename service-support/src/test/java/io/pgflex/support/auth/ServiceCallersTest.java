package io.pgflex.support.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceCallersTest {
    private static final List<String> CALLERS = List.of("gateway", "operator");

    static Stream<Arguments> scenarios() {
        return Stream.of(
                // over TLS, certificate shown, its CN, allowed, reason
                Arguments.of(true, true, "gateway", true, "gateway may call this service"),
                Arguments.of(true, true, "operator", true, "operator may call this service"),
                Arguments.of(true, true, "ha-service", false,
                        "ha-service is a component of the platform but not one that calls this service (callers: gateway, operator)"),
                Arguments.of(true, true, "node-agent.agent-1", false,
                        "node-agent.agent-1 is a component of the platform but not one that calls this service (callers: gateway, operator)"),
                Arguments.of(true, true, "kafka-admin", false,
                        "kafka-admin is a component of the platform but not one that calls this service (callers: gateway, operator)"),
                Arguments.of(true, true, null, false, "a certificate without a common name names no component"),
                Arguments.of(true, false, null, true,
                        "no client certificate: only outside production (client certificates are required there)"),
                Arguments.of(false, false, null, true, "plain HTTP: only outside production (insecure requests are disabled there)"));
    }

    @ParameterizedTest(name = "TLS {0}, certificate {1} of {2}: allowed {3}")
    @MethodSource("scenarios")
    void decidesWithItsReason(boolean tls, boolean certificate, String identity, boolean allowed, String reason) {
        ServiceCallers.Decision d = ServiceCallers.decide(tls, certificate, identity, CALLERS);
        assertEquals(allowed, d.allowed());
        assertEquals(reason, d.reason());
    }
}
