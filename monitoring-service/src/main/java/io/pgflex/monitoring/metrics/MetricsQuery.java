package io.pgflex.monitoring.metrics;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Time series of one metric of one server in grains of {@code interval}, aligned to the epoch (a
 * P1D grain is a UTC day). Grains under an hour aggregate raw points; grains of an hour and more
 * read the hourly aggregates of rolled-up hours and aggregate raw points only for the others (the
 * current hour, hours with late points).
 */
@ApplicationScoped
public class MetricsQuery {
    private static final Duration HOUR = Duration.ofHours(1);

    private final AgroalDataSource db;
    private final MetricIds ids;

    public MetricsQuery(AgroalDataSource db, MetricIds ids) {
        this.db = db;
        this.ids = ids;
    }

    public List<Bucket> series(UUID serverId, String metric, Instant from, Instant to, Duration interval) throws SQLException {
        long step = interval.getSeconds();
        Instant first = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), step) * step);
        TreeMap<Instant, Bucket> grains = new TreeMap<>();
        for (Instant t = first; t.isBefore(to); t = t.plusSeconds(step)) {
            grains.put(t, Bucket.empty(t));
        }
        Optional<Short> id = ids.find(metric);
        if (id.isEmpty() || grains.isEmpty()) {
            return new ArrayList<>(grains.values());
        }
        try (Connection c = db.getConnection()) {
            List<Bucket> parts = interval.compareTo(HOUR) >= 0
                    ? hoursAndEdges(c, serverId, id.get(), from, to)
                    : raw(c, serverId, id.get(), from, to, step);
            for (Bucket b : parts) {
                Instant key = Instant.ofEpochSecond(Math.floorDiv(b.start().getEpochSecond(), step) * step);
                grains.computeIfPresent(key, (k, g) -> g.merge(b));
            }
        }
        return new ArrayList<>(grains.values());
    }

    private static List<Bucket> raw(Connection c, UUID serverId, short metric, Instant from, Instant to, long step) throws SQLException {
        List<Bucket> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT floor(extract(epoch FROM ts) / ?)::bigint, count(*), sum(value), min(value), max(value)
                  FROM metric_points WHERE server_id = ? AND metric_id = ? AND ts >= ? AND ts < ? GROUP BY 1""")) {
            ps.setLong(1, step);
            ps.setObject(2, serverId);
            ps.setShort(3, metric);
            ps.setTimestamp(4, Timestamp.from(from));
            ps.setTimestamp(5, Timestamp.from(to));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new Bucket(Instant.ofEpochSecond(r.getLong(1) * step), r.getLong(2), r.getDouble(3), r.getDouble(4),
                            r.getDouble(5)));
                }
            }
        }
        return out;
    }

    /**
     * Points in [from, to) by hour: whole hours inside the range from {@link #hourly}, the partial
     * hours at its edges from raw points (only points inside the timespan count).
     */
    private static List<Bucket> hoursAndEdges(Connection c, UUID serverId, short metric, Instant from, Instant to) throws SQLException {
        Instant firstWhole = from.truncatedTo(ChronoUnit.HOURS).equals(from) ? from : from.truncatedTo(ChronoUnit.HOURS).plus(HOUR);
        Instant lastWhole = to.truncatedTo(ChronoUnit.HOURS);
        List<Bucket> out = new ArrayList<>();
        if (!firstWhole.isBefore(lastWhole)) {
            out.addAll(raw(c, serverId, metric, from, to, 3600));
            return out;
        }
        if (from.isBefore(firstWhole)) {
            out.addAll(raw(c, serverId, metric, from, firstWhole, 3600));
        }
        out.addAll(hourly(c, serverId, metric, firstWhole, lastWhole));
        if (lastWhole.isBefore(to)) {
            out.addAll(raw(c, serverId, metric, lastWhole, to, 3600));
        }
        return out;
    }

    /** Hour grains: rolled-up hours from metric_hourly, every other hour of the range from raw points. */
    private static List<Bucket> hourly(Connection c, UUID serverId, short metric, Instant from, Instant to) throws SQLException {
        List<Bucket> out = new ArrayList<>();
        java.util.Set<Instant> covered = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT h.hour, h.samples, h.total, h.minimum, h.maximum FROM metric_hourly h
                 WHERE h.server_id = ? AND h.metric_id = ? AND h.hour >= ? AND h.hour < ?
                   AND NOT EXISTS (SELECT 1 FROM rollup_pending p WHERE p.hour = h.hour)""")) {
            ps.setObject(1, serverId);
            ps.setShort(2, metric);
            ps.setTimestamp(3, Timestamp.from(from));
            ps.setTimestamp(4, Timestamp.from(to));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Instant hour = r.getTimestamp(1).toInstant();
                    covered.add(hour);
                    out.add(new Bucket(hour, r.getLong(2), r.getDouble(3), r.getDouble(4), r.getDouble(5)));
                }
            }
            // hours without aggregates (the current hour, late points, hours with no points at all):
            // runs of consecutive hours, each one indexed range of raw points
            Instant runStart = null;
            for (Instant h = from.truncatedTo(ChronoUnit.HOURS); h.isBefore(to); h = h.plus(HOUR)) {
                boolean skip = covered.contains(h);
                if (!skip && runStart == null) {
                    runStart = h;
                } else if (skip && runStart != null) {
                    out.addAll(raw(c, serverId, metric, runStart, h, 3600));
                    runStart = null;
                }
            }
            if (runStart != null) {
                out.addAll(raw(c, serverId, metric, runStart, to, 3600));
            }
        }
        return out;
    }
}
