package io.pgflex.monitoring.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.contracts.metrics.MetricName.Aggregation;
import io.pgflex.support.errors.ArmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsRequestTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final Duration RETENTION = Duration.ofDays(30);

    static String code(Runnable r) {
        return assertThrows(ArmException.class, r::run).code();
    }

    @Test
    void takesAzureMonitorsParameters() {
        MetricsRequest r = MetricsRequest.parse("cpu_percent, TPS", "2026-11-24T10:00:00Z/2026-11-24T11:00:00Z", "pt5m",
                "average,maximum", NOW, RETENTION);
        assertEquals(List.of(MetricName.CPU_PERCENT, MetricName.TPS), r.metrics());
        assertEquals(Instant.parse("2026-11-24T10:00:00Z"), r.from());
        assertEquals(Duration.ofMinutes(5), r.interval());
        assertEquals(Set.of(Aggregation.Average, Aggregation.Maximum), r.aggregations());
        assertEquals(Instant.parse("2026-11-24T11:00:00Z"),
                MetricsRequest.parse("tps", "PT1H", null, null, NOW, RETENTION).from());
        assertEquals(Instant.parse("2026-11-24T10:30:00Z"),
                MetricsRequest.parse("tps", "2026-11-24T10:00:00Z/PT30M", null, null, NOW, RETENTION).to());
        assertEquals("P1D", MetricsRequest.iso(Duration.ofDays(1)));
    }

    @Test
    void clipsTheStartToTheRetention() {
        assertEquals(NOW.minus(RETENTION), MetricsRequest.parse("tps", "P90D", "P1D", null, NOW, RETENTION).from());
    }

    @Test
    void refusesWhatAzureRefuses() {
        assertEquals("InvalidMetricName", code(() -> MetricsRequest.parse("nope", null, null, null, NOW, RETENTION)));
        assertEquals("InvalidMetricName", code(() -> MetricsRequest.parse(null, null, null, null, NOW, RETENTION)));
        assertEquals("InvalidTimespan", code(() -> MetricsRequest.parse("tps", "yesterday", null, null, NOW, RETENTION)));
        assertEquals("InvalidTimespan", code(() -> MetricsRequest.parse("tps", "2026-11-24T11:00:00Z/2026-11-24T10:00:00Z",
                null, null, NOW, RETENTION)));
        assertEquals("InvalidInterval", code(() -> MetricsRequest.parse("tps", null, "PT2M", null, NOW, RETENTION)));
        assertEquals("InvalidAggregation", code(() -> MetricsRequest.parse("tps", null, null, "Median", NOW, RETENTION)));
    }
}
