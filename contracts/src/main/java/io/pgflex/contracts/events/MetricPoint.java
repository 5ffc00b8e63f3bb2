package io.pgflex.contracts.events;

import java.time.Instant;

/** One metric value, with Azure's metric name and unit (e.g. {@code cpu_percent}, Percent). */
public record MetricPoint(String name, String unit, double value, Instant timestamp) {
}
