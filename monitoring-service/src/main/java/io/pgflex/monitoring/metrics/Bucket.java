package io.pgflex.monitoring.metrics;

import io.pgflex.contracts.metrics.MetricName.Aggregation;
import java.time.Instant;

/** Aggregates of the points in one time grain starting at {@code start}; {@code samples} 0 when it had none. */
public record Bucket(Instant start, long samples, double total, double minimum, double maximum) {
    static Bucket empty(Instant start) {
        return new Bucket(start, 0, 0, Double.NaN, Double.NaN);
    }

    Bucket merge(Bucket other) {
        if (other.samples == 0) {
            return this;
        }
        if (samples == 0) {
            return new Bucket(start, other.samples, other.total, other.minimum, other.maximum);
        }
        return new Bucket(start, samples + other.samples, total + other.total, Math.min(minimum, other.minimum),
                Math.max(maximum, other.maximum));
    }

    /** The aggregation's value; null where Azure shows none (average, minimum, maximum of an empty grain). */
    public Double value(Aggregation aggregation) {
        return switch (aggregation) {
            case Count -> (double) samples;
            case Total -> total;
            case Average -> samples == 0 ? null : total / samples;
            case Minimum -> samples == 0 ? null : minimum;
            case Maximum -> samples == 0 ? null : maximum;
        };
    }
}
