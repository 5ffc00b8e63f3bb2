package io.pgflex.provisioning.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.provisioning.server.Quota.Limits;
import io.pgflex.provisioning.server.Quota.Usage;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuotaTest {
    static final Limits LIMITS = new Limits(3, 16, 1024);

    static Stream<Arguments> scenarios() {
        Usage two = Quota.held(List.of(Quota.of("Standard_D2ds_v5", 32, "Disabled"), Quota.of("Standard_D4ds_v5", 128, "ZoneRedundant")));
        return Stream.of(
                Arguments.of("a third server fits", two, Quota.of("Standard_D2ds_v5", 32, "Disabled"), null),
                Arguments.of("a fourth server does not", Quota.held(List.of(two, Quota.of("Standard_B1ms", 32, "Disabled"))),
                        Quota.of("Standard_B1ms", 32, "Disabled"), "Subscription s may have at most 3 servers; it has 3."),
                Arguments.of("a standby counts its cores", two, Quota.of("Standard_D4ds_v5", 32, "ZoneRedundant"),
                        "Subscription s may use at most 16 vCores (a standby counts like its primary); it uses 10 and this needs 8 more."),
                Arguments.of("storage growth over the limit", two, new Usage(0, 0, 1024),
                        "Subscription s may use at most 1024 GB of storage (a standby counts like its primary); it uses 288 GB and this needs 1024 GB more."),
                Arguments.of("scaling down always fits, even over the limit", new Usage(3, 40, 4096), new Usage(0, -4, -128), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesWithReason(String scenario, Usage held, Usage change, String reason) {
        assertEquals(Optional.ofNullable(reason), Quota.exceeded(held, change, LIMITS, "s"));
    }
}
