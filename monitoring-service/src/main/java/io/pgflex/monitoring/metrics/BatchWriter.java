package io.pgflex.monitoring.metrics;

import io.agroal.api.AgroalDataSource;
import io.pgflex.contracts.events.MetricPoint;
import io.pgflex.contracts.events.MetricsReported;
import io.pgflex.contracts.events.SlowQuery;
import io.pgflex.contracts.events.StatementStats;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.PGConnection;

/**
 * Stores batches in one transaction: claims each batch's (instance, collection time) first, so a
 * batch Kafka delivers again is skipped; COPYs the points of new batches; marks their hours for
 * rollup; stores slow queries and statement snapshots.
 */
@ApplicationScoped
public class BatchWriter {
    private final AgroalDataSource db;
    private final MetricIds ids;
    private final Partitions partitions;

    public BatchWriter(AgroalDataSource db, MetricIds ids, Partitions partitions) {
        this.db = db;
        this.ids = ids;
        this.partitions = partitions;
    }

    /** Returns the batches that were new (stored now). */
    public List<MetricsReported> write(List<MetricsReported> batches) throws SQLException, IOException {
        if (batches.isEmpty()) {
            return List.of();
        }
        Set<LocalDate> days = new TreeSet<>();
        for (MetricsReported b : batches) {
            days.add(LocalDate.ofInstant(b.collectedAt(), ZoneOffset.UTC));
            for (MetricPoint p : b.points()) {
                days.add(LocalDate.ofInstant(p.timestamp(), ZoneOffset.UTC));
                ids.idOf(p.name(), p.unit());
            }
        }
        for (LocalDate d : days) {
            partitions.ensure(d);
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<MetricsReported> fresh = claim(c, batches);
                copyPoints(c, fresh);
                markHours(c, fresh);
                slowQueries(c, fresh);
                statements(c, fresh);
                c.commit();
                return fresh;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** A batch of the server's primary (a batch without a role, from an older agent, counts as one). */
    static boolean primary(MetricsReported b) {
        return b.role() == null || "Primary".equals(b.role());
    }

    static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private static List<MetricsReported> claim(Connection c, List<MetricsReported> batches) throws SQLException {
        String[] instances = new String[batches.size()];
        String[] times = new String[batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            instances[i] = batches.get(i).instanceId();
            times[i] = micros(batches.get(i).collectedAt()).toString();
        }
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ingested_batches (instance_id, collected_at)
                SELECT DISTINCT i, t::timestamptz FROM unnest(?::text[], ?::text[]) AS u(i, t)
                ON CONFLICT DO NOTHING RETURNING instance_id, collected_at""")) {
            ps.setArray(1, c.createArrayOf("text", instances));
            ps.setArray(2, c.createArrayOf("text", times));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    claimed.add(r.getString(1) + "@" + r.getTimestamp(2).toInstant());
                }
            }
        }
        List<MetricsReported> fresh = new ArrayList<>();
        for (MetricsReported b : batches) {
            if (claimed.remove(b.instanceId() + "@" + micros(b.collectedAt()))) {
                fresh.add(b);
            }
        }
        return fresh;
    }

    private void copyPoints(Connection c, List<MetricsReported> fresh) throws SQLException, IOException {
        StringBuilder rows = new StringBuilder(fresh.size() * 24 * 64);
        for (MetricsReported b : fresh) {
            if (!primary(b)) {
                continue; // an HA standby's CPU, connections… are not the server's (its own series are on /metrics)
            }
            String server = b.serverId();
            for (MetricPoint p : b.points()) {
                if (!Double.isFinite(p.value())) {
                    continue;
                }
                rows.append(server).append('\t').append(ids.idOf(p.name(), p.unit())).append('\t')
                        .append(micros(p.timestamp())).append('\t').append(p.value()).append('\n');
            }
        }
        if (!rows.isEmpty()) {
            c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY metric_points (server_id, metric_id, ts, value) FROM STDIN", new StringReader(rows.toString()));
        }
    }

    private static void markHours(Connection c, List<MetricsReported> fresh) throws SQLException {
        Set<String> hours = new TreeSet<>();
        for (MetricsReported b : fresh) {
            if (!primary(b)) {
                continue;
            }
            for (MetricPoint p : b.points()) {
                hours.add(p.timestamp().truncatedTo(ChronoUnit.HOURS).toString());
            }
        }
        if (hours.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO rollup_pending (hour, marks) SELECT h::timestamptz, 1 FROM unnest(?::text[]) AS u(h)
                ON CONFLICT (hour) DO UPDATE SET marks = rollup_pending.marks + 1""")) {
            Array a = c.createArrayOf("text", hours.toArray());
            ps.setArray(1, a);
            ps.executeUpdate();
        }
    }

    private static void slowQueries(Connection c, List<MetricsReported> fresh) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO slow_queries (server_id, instance_id, logged_at, database_name, user_name, process_id, duration_ms, query)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            int n = 0;
            for (MetricsReported b : fresh) {
                for (SlowQuery q : b.slowQueries() == null ? List.<SlowQuery>of() : b.slowQueries()) {
                    ps.setString(1, b.serverId());
                    ps.setString(2, b.instanceId());
                    ps.setTimestamp(3, Timestamp.from(q.loggedAt()));
                    ps.setString(4, q.databaseName());
                    ps.setString(5, q.userName());
                    ps.setInt(6, q.processId());
                    ps.setDouble(7, q.durationMillis());
                    ps.setString(8, q.query());
                    ps.addBatch();
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
    }

    private static void statements(Connection c, List<MetricsReported> fresh) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO statement_stats (server_id, collected_at, query_id, database_name, user_name, query, calls,
                                             total_ms, mean_ms, rows_returned)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            int n = 0;
            for (MetricsReported b : fresh) {
                for (StatementStats s : b.topStatements() == null ? List.<StatementStats>of() : b.topStatements()) {
                    ps.setString(1, b.serverId());
                    ps.setTimestamp(2, Timestamp.from(b.collectedAt()));
                    ps.setString(3, s.queryId() == null ? "" : s.queryId());
                    ps.setString(4, s.databaseName() == null ? "" : s.databaseName());
                    ps.setString(5, s.userName() == null ? "" : s.userName());
                    ps.setString(6, s.query() == null ? "" : s.query());
                    ps.setLong(7, s.calls());
                    ps.setDouble(8, s.totalTimeMillis());
                    ps.setDouble(9, s.meanTimeMillis());
                    ps.setLong(10, s.rows());
                    ps.addBatch();
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
    }
}
