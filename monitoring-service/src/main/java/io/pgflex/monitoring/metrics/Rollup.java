package io.pgflex.monitoring.metrics;

import io.agroal.api.AgroalDataSource;
import io.pgflex.monitoring.MonitoringConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Downsampling: closed hours with new points are (re)computed into metric_hourly from the raw
 * points, one hour per transaction. An hour stays pending if a batch for it was written while it
 * was being rolled up (its marks changed), so a late batch is never left out.
 */
@ApplicationScoped
public class Rollup {
    private static final Logger LOG = Logger.getLogger(Rollup.class);
    private static final int HOURS_PER_RUN = 200;

    private final AgroalDataSource db;
    private final MonitoringConfig config;
    private final Clock clock;

    public Rollup(AgroalDataSource db, MonitoringConfig config, Clock clock) {
        this.db = db;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.monitoring.rollup-interval:1m}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            int done = rollUp();
            if (done > 0) {
                LOG.debugf("rolled up %d hours", done);
            }
        } catch (SQLException e) {
            LOG.warnf("rollup failed: %s", e.getMessage());
        }
    }

    /** Rolls up the pending hours that are closed; returns how many. */
    public int rollUp() throws SQLException {
        Instant closedBefore = clock.instant().minus(config.rollupGrace()).truncatedTo(ChronoUnit.HOURS);
        record Pending(Timestamp hour, long marks) {
        }
        List<Pending> pending = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT hour, marks FROM rollup_pending WHERE hour < ? ORDER BY hour LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(closedBefore.minus(1, ChronoUnit.HOURS).plusNanos(1000)));
            ps.setInt(2, HOURS_PER_RUN);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    pending.add(new Pending(r.getTimestamp(1), r.getLong(2)));
                }
            }
        }
        int done = 0;
        for (Pending p : pending) {
            if (rollUp(p.hour(), p.marks())) {
                done++;
            }
        }
        return done;
    }

    private boolean rollUp(Timestamp hour, long marks) throws SQLException {
        Timestamp end = Timestamp.from(hour.toInstant().plus(1, ChronoUnit.HOURS));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM metric_hourly WHERE hour = ?")) {
                    del.setTimestamp(1, hour);
                    del.executeUpdate();
                }
                try (PreparedStatement ins = c.prepareStatement("""
                        INSERT INTO metric_hourly (server_id, metric_id, hour, samples, total, minimum, maximum)
                        SELECT server_id, metric_id, ?, count(*), sum(value), min(value), max(value)
                          FROM metric_points WHERE ts >= ? AND ts < ? GROUP BY server_id, metric_id""")) {
                    ins.setTimestamp(1, hour);
                    ins.setTimestamp(2, hour);
                    ins.setTimestamp(3, end);
                    ins.executeUpdate();
                }
                int cleared;
                try (PreparedStatement clear = c.prepareStatement("DELETE FROM rollup_pending WHERE hour = ? AND marks = ?")) {
                    clear.setTimestamp(1, hour);
                    clear.setLong(2, marks);
                    cleared = clear.executeUpdate();
                }
                c.commit();
                return cleared == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
