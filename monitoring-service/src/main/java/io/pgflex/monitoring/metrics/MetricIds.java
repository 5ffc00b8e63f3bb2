package io.pgflex.monitoring.metrics;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers of metric names (points store a smallint, not the name); a name gets one, committed on
 * its own, the first time a batch carries it.
 */
@ApplicationScoped
public class MetricIds {
    private final AgroalDataSource db;
    private final Map<String, Short> ids = new ConcurrentHashMap<>();

    public MetricIds(AgroalDataSource db) {
        this.db = db;
    }

    public short idOf(String name, String unit) throws SQLException {
        Short id = ids.get(name);
        if (id != null) {
            return id;
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH ins AS (INSERT INTO metric_definitions (name, unit) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING id)
                SELECT id FROM ins UNION ALL SELECT id FROM metric_definitions WHERE name = ?""")) {
            c.setAutoCommit(true);
            ps.setString(1, name);
            ps.setString(2, unit == null ? "Count" : unit);
            ps.setString(3, name);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                short found = r.getShort(1);
                ids.put(name, found);
                return found;
            }
        }
    }

    /** The number of a known name; empty for a name no batch carried yet (queries never create one). */
    public Optional<Short> find(String name) throws SQLException {
        Short id = ids.get(name);
        if (id != null) {
            return Optional.of(id);
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM metric_definitions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                short found = r.getShort(1);
                ids.put(name, found);
                return Optional.of(found);
            }
        }
    }
}
