package io.pgflex.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each port comes from: the environment, else ports.env, else the default; nonsense refused. */
class StackPortsTest {
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', value = {
            "''   | ''   | 8080 | nothing set: the default",
            "9200 | ''   | 9200 | a first start with a port set in the environment: that port",
            "''   | 9100 | 9100 | a port remembered in ports.env: the stack is found (and started again) there",
            "9200 | 9100 | 9100 | a stale variable later: the port the stack was started on (a running stack is not moved under itself)",
    })
    void gatewayPort(String env, String remembered, int expected, String why) {
        Map<String, String> e = env.isEmpty() ? Map.of() : Map.of("PGFLEX_GATEWAY_PORT", env);
        Map<String, String> r = remembered.isEmpty() ? Map.of() : Map.of("PGFLEX_GATEWAY_PORT", remembered);

        assertEquals(expected, StackPorts.resolve(e, r).port("GATEWAY_PORT"), why);
    }

    @ParameterizedTest(name = "{0}={1} refused")
    @CsvSource(delimiter = '|', value = {
            "PGFLEX_KAFKA_PORT    | 70000",
            "PGFLEX_KAFKA_PORT    | nine",
            "PGFLEX_LAYOUT        | cloud",
            "PGFLEX_HOSTS_NET     | 10.0.0.0/24",
    })
    void nonsenseIsRefused(String name, String value) {
        assertThrows(IllegalArgumentException.class, () -> StackPorts.resolve(Map.of(name, value), Map.of()));
    }
}
