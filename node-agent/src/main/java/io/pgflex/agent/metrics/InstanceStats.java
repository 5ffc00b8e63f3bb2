package io.pgflex.agent.metrics;

import io.pgflex.agent.config.HbaConf;
import io.pgflex.contracts.events.StatementStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the instance itself says about its work, read over the agent's socket connection. */
final class InstanceStats {
    /** Where the agent installs pg_stat_statements in the postgres database when no one did. */
    static final String MONITOR_SCHEMA = "pgflex_monitor";
    /** pgflex's own roles: their sessions and statements are not the user's. */
    static final java.util.Set<String> INTERNAL = java.util.Set.of(HbaConf.AGENT_ROLE, HbaConf.PROBE_ROLE,
            HbaConf.REPLICATION_ROLE, HbaConf.PGBOUNCER_ROLE);
    static final String INTERNAL_ROLES = String.join(",", INTERNAL.stream().sorted().map(r -> "'" + r + "'").toList());

    /** Cumulative counters and current values of one reading. */
    record Snapshot(boolean inRecovery, long activeConnections, long maxConnections, long xactCommit, long xactRollback,
                    long deadlocks, long databaseBytes, long replicationDelayBytes, double replicationDelaySeconds) {
    }

    private InstanceStats() {
    }

    static Snapshot read(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT pg_is_in_recovery(),
                       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'
                          AND pid <> pg_backend_pid() AND usename NOT IN (%s)),
                       current_setting('max_connections')::bigint,
                       (SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database),
                       (SELECT coalesce(sum(xact_rollback), 0) FROM pg_stat_database),
                       (SELECT coalesce(sum(deadlocks), 0) FROM pg_stat_database),
                       (SELECT coalesce(sum(pg_database_size(oid)), 0) FROM pg_database WHERE NOT datistemplate)
                """.formatted(INTERNAL_ROLES))) {
            r.next();
            boolean recovery = r.getBoolean(1);
            long[] delay = recovery ? standbyDelay(c) : primaryDelay(c);
            return new Snapshot(recovery, r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6),
                    r.getLong(7), delay[0], delay[1] / 1000.0);
        }
    }

    /** Bytes and milliseconds the slowest standby is behind (0 without standbys). */
    private static long[] primaryDelay(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT greatest(0, coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0))::bigint,
                       coalesce(max(extract(epoch FROM replay_lag) * 1000), 0)::bigint
                  FROM pg_stat_replication""")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    /** Bytes received but not replayed, and how old the last replayed commit is when replay is behind. */
    private static long[] standbyDelay(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT greatest(0, coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0))::bigint,
                       CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                            THEN 0
                            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END::bigint""")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    /**
     * The costliest statements of pg_stat_statements, creating the extension on a primary where the
     * library is loaded (it is in every instance's shared_preload_libraries; an instance started
     * before that was so has none until its next restart: empty).
     */
    static List<StatementStats> topStatements(Connection c, boolean primary, int limit) throws SQLException {
        String schema;
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%',"
                    + " (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                    + " WHERE e.extname = 'pg_stat_statements')")) {
                r.next();
                if (!r.getBoolean(1)) {
                    return List.of();
                }
                schema = r.getString(2);
            }
            if (schema == null) {
                if (!primary) {
                    return List.of();
                }
                // in a schema of the agent's own: a view a tenant put in public must never be read by a superuser
                s.execute("CREATE SCHEMA IF NOT EXISTS " + MONITOR_SCHEMA);
                s.execute("REVOKE ALL ON SCHEMA " + MONITOR_SCHEMA + " FROM PUBLIC");
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA " + MONITOR_SCHEMA);
                schema = MONITOR_SCHEMA;
            }
        }
        List<StatementStats> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.queryid::text, d.datname, r.rolname, left(s.query, %d), s.calls, s.total_exec_time,
                       s.mean_exec_time, s.rows
                  FROM %s.pg_stat_statements s
                  LEFT JOIN pg_database d ON d.oid = s.dbid
                  LEFT JOIN pg_roles r ON r.oid = s.userid
                 WHERE r.rolname IS NULL OR r.rolname NOT IN (%s)
                 ORDER BY s.total_exec_time DESC LIMIT ?""".formatted(ServerLog.MAX_QUERY_CHARS,
                io.pgflex.agent.sql.InstanceSql.quoteIdent(schema), INTERNAL_ROLES))) {
            ps.setInt(1, limit);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new StatementStats(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                            r.getDouble(6), r.getDouble(7), r.getLong(8)));
                }
            }
        }
        return out;
    }
}
