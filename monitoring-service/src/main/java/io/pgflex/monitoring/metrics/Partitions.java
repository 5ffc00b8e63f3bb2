package io.pgflex.monitoring.metrics;

import io.agroal.api.AgroalDataSource;
import io.pgflex.monitoring.MonitoringConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One partition per UTC day of metric_points and ingested_batches: created ahead (and on demand
 * for a late batch), dropped whole once the day is older than the retention, so expiry costs no
 * DELETE. Hourly aggregates, slow queries and statement snapshots past the retention are deleted.
 */
@ApplicationScoped
public class Partitions {
    private static final Logger LOG = Logger.getLogger(Partitions.class);
    static final List<String> PARENTS = List.of("metric_points", "ingested_batches");
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final AgroalDataSource db;
    private final MonitoringConfig config;
    private final Clock clock;
    private final Set<LocalDate> ensured = ConcurrentHashMap.newKeySet();

    public Partitions(AgroalDataSource db, MonitoringConfig config, Clock clock) {
        this.db = db;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent e) {
        if (config.retention().toDays() > 93 || config.retention().toDays() < 1) {
            throw new IllegalStateException("pgflex.monitoring.retention must be between 1 and 93 days, not " + config.retention());
        }
        maintain();
    }

    /** Oldest instant still kept. */
    public Instant horizon() {
        return clock.instant().minus(config.retention());
    }

    /** Makes sure the partitions holding {@code day} exist (their own transaction: DDL is quick). */
    public void ensure(LocalDate day) throws SQLException {
        if (ensured.contains(day)) {
            return;
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (String parent : PARENTS) {
                s.execute("CREATE TABLE IF NOT EXISTS %s_%s PARTITION OF %s FOR VALUES FROM ('%s 00:00:00+00') TO ('%s 00:00:00+00')"
                        .formatted(parent, SUFFIX.format(day), parent, day, day.plusDays(1)));
            }
        } catch (SQLException e) {
            // two ingesters creating the same day at once: the loser's CREATE fails on the catalog; fine if it exists now
            if (!exists(day)) {
                throw e;
            }
        }
        ensured.add(day);
    }

    private boolean exists(LocalDate day) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_regclass('metric_points_" + SUFFIX.format(day) + "') IS NOT NULL"
                     + " AND to_regclass('ingested_batches_" + SUFFIX.format(day) + "') IS NOT NULL")) {
            return r.next() && r.getBoolean(1);
        }
    }

    @Scheduled(every = "${pgflex.monitoring.partition-interval:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void maintain() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            for (int d = 0; d <= 2; d++) {
                ensure(today.plusDays(d));
            }
            dropExpired();
        } catch (SQLException e) {
            LOG.warnf("metric partitions not maintained: %s", e.getMessage());
        }
    }

    /** Drops partitions whose whole day is older than the retention; deletes other expired rows. */
    public int dropExpired() throws SQLException {
        Instant horizon = horizon();
        LocalDate firstKept = LocalDate.ofInstant(horizon, ZoneOffset.UTC);
        int dropped = 0;
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            List<String> expired = new ArrayList<>();
            for (String parent : PARENTS) {
                try (ResultSet r = s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = '" + parent + "'::regclass")) {
                    while (r.next()) {
                        String name = r.getString(1);
                        LocalDate day = LocalDate.parse(name.substring(name.length() - 8), SUFFIX);
                        if (day.isBefore(firstKept)) {
                            expired.add(name);
                            ensured.remove(day);
                        }
                    }
                }
            }
            for (String name : expired) {
                s.execute("DROP TABLE IF EXISTS " + name);
                dropped++;
            }
            String cutoff = "'" + horizon + "'";
            s.execute("DELETE FROM metric_hourly WHERE hour < " + cutoff);
            s.execute("DELETE FROM rollup_pending WHERE hour < " + cutoff);
            s.execute("DELETE FROM slow_queries WHERE logged_at < " + cutoff);
            s.execute("DELETE FROM statement_stats WHERE collected_at < " + cutoff);
            s.execute("DELETE FROM webhook_deliveries WHERE created_at < " + cutoff);
        }
        if (dropped > 0) {
            LOG.infof("dropped %d metric partitions older than %s (retention %s)", dropped, firstKept, config.retention());
        }
        return dropped;
    }
}
