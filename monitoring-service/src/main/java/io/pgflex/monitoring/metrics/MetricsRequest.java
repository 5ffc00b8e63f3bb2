package io.pgflex.monitoring.metrics;

import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.contracts.metrics.MetricName.Aggregation;
import io.pgflex.support.errors.ArmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A metrics query as Azure Monitor takes it ({@code metricnames}, {@code timespan},
 * {@code interval}, {@code aggregation}), checked: unknown metrics, malformed or reversed
 * timespans, grains Azure does not offer and unknown aggregations are 400s.
 */
public record MetricsRequest(List<MetricName> metrics, Instant from, Instant to, Duration interval,
                             Set<Aggregation> aggregations) {
    /** Azure Monitor's grains. */
    public static final List<Duration> INTERVALS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));
    /** At most this many grains per series (30 days at PT1M is 43,200). */
    public static final long MAX_GRAINS = 50_000;

    public static MetricsRequest parse(String metricnames, String timespan, String interval, String aggregation, Instant now,
                                       Duration retention) {
        List<MetricName> metrics = metrics(metricnames);
        Instant[] range = timespan(timespan, now);
        Instant from = range[0].isBefore(now.minus(retention)) ? now.minus(retention) : range[0];
        Duration grain = interval(interval);
        if (Duration.between(from, range[1]).getSeconds() / grain.getSeconds() > MAX_GRAINS) {
            throw ArmException.badRequest("InvalidTimespan", "The timespan holds more than " + MAX_GRAINS + " grains of "
                    + grain + "; pick a larger interval.", "timespan");
        }
        return new MetricsRequest(metrics, from, range[1], grain, aggregations(aggregation));
    }

    /** ISO 8601 as Azure writes grains: P1D, PT1H, PT5M. */
    public static String iso(Duration d) {
        return d.toSeconds() % 86_400 == 0 ? "P" + d.toDays() + "D" : d.toString();
    }

    static List<MetricName> metrics(String metricnames) {
        if (metricnames == null || metricnames.isBlank()) {
            throw ArmException.badRequest("InvalidMetricName", "metricnames is required: one or more of "
                    + List.of(MetricName.values()).stream().map(MetricName::metricName).toList() + ", comma-separated.", "metricnames");
        }
        Set<MetricName> out = new LinkedHashSet<>();
        for (String name : metricnames.split(",")) {
            out.add(MetricName.of(name.trim()).orElseThrow(() -> ArmException.badRequest("InvalidMetricName",
                    "Metric '" + name.trim() + "' does not exist for Microsoft.DBforPostgreSQL/flexibleServers; see"
                            + " providers/Microsoft.Insights/metricDefinitions.", "metricnames")));
        }
        return new ArrayList<>(out);
    }

    /** {@code start/end}, {@code start/duration} or {@code duration} (ending now), checked; the last hour when absent. */
    public static Instant[] timespan(String timespan, Instant now) {
        if (timespan == null || timespan.isBlank()) {
            return new Instant[] {now.minus(Duration.ofHours(1)), now};
        }
        try {
            String[] parts = timespan.trim().split("/");
            Instant from;
            Instant to;
            if (parts.length == 1) {
                to = now;
                from = now.minus(Duration.parse(parts[0]));
            } else if (parts.length == 2) {
                from = Instant.parse(parts[0]);
                to = parts[1].startsWith("P") || parts[1].startsWith("p") ? from.plus(Duration.parse(parts[1])) : Instant.parse(parts[1]);
            } else {
                throw new DateTimeParseException("more than one '/'", timespan, 0);
            }
            if (!from.isBefore(to)) {
                throw ArmException.badRequest("InvalidTimespan", "The timespan's start must be before its end: " + timespan + ".",
                        "timespan");
            }
            return new Instant[] {from, to};
        } catch (DateTimeParseException e) {
            throw ArmException.badRequest("InvalidTimespan", "timespan '" + timespan + "' is not start/end, start/duration or"
                    + " duration in ISO 8601 (e.g. 2026-11-24T10:00:00Z/2026-11-24T11:00:00Z or PT1H).", "timespan");
        }
    }

    static Duration interval(String interval) {
        if (interval == null || interval.isBlank()) {
            return Duration.ofMinutes(1);
        }
        try {
            Duration d = Duration.parse(interval.trim().toUpperCase(Locale.ROOT));
            if (INTERVALS.contains(d)) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw ArmException.badRequest("InvalidInterval", "interval '" + interval
                + "' is not offered; one of PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D.", "interval");
    }

    static Set<Aggregation> aggregations(String aggregation) {
        Set<Aggregation> out = new LinkedHashSet<>();
        if (aggregation == null || aggregation.isBlank()) {
            return out; // each metric's primary aggregation
        }
        for (String a : aggregation.split(",")) {
            String name = a.trim();
            Aggregation found = null;
            for (Aggregation candidate : Aggregation.values()) {
                if (candidate.name().equalsIgnoreCase(name)) {
                    found = candidate;
                }
            }
            if (found == null) {
                throw ArmException.badRequest("InvalidAggregation", "aggregation '" + name
                        + "' is not one of Average, Minimum, Maximum, Total, Count.", "aggregation");
            }
            out.add(found);
        }
        return out;
    }
}
