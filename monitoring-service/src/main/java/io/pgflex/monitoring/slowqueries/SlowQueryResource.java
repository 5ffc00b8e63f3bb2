package io.pgflex.monitoring.slowqueries;

import io.agroal.api.AgroalDataSource;
import io.pgflex.monitoring.metrics.MetricsRequest;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's slow queries ({@code …/slowQueries}: statements over its log_min_duration_statement,
 * newest first) and its costliest statements ({@code …/topQueryStatistics}: pg_stat_statements,
 * the work done within the timespan), for a {@code timespan} (the last hour by default).
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class SlowQueryResource {
    private final TenantGuard guard;
    private final AgroalDataSource db;
    private final Clock clock;

    public SlowQueryResource(TenantGuard guard, AgroalDataSource db, Clock clock) {
        this.guard = guard;
        this.db = db;
        this.clock = clock;
    }

    @GET
    @Path("/slowQueries")
    public Map<String, Object> slowQueries(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                           @PathParam("name") String name, @QueryParam("api-version") String apiVersion,
                                           @QueryParam("timespan") String timespan, @QueryParam("top") Integer top) throws SQLException {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MonitoredServer s = MonitoredServer.require(sub, rg, name);
        Instant[] range = MetricsRequest.timespan(timespan, clock.instant());
        int limit = limit(top);
        List<Map<String, Object>> value = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT logged_at, database_name, user_name, process_id, duration_ms, query, instance_id FROM slow_queries
                 WHERE server_id = ? AND logged_at >= ? AND logged_at < ? ORDER BY logged_at DESC LIMIT ?""")) {
            ps.setObject(1, s.serverId);
            ps.setTimestamp(2, Timestamp.from(range[0]));
            ps.setTimestamp(3, Timestamp.from(range[1]));
            ps.setInt(4, limit);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> q = new LinkedHashMap<>();
                    q.put("loggedAt", r.getTimestamp(1).toInstant().toString());
                    q.put("databaseName", r.getString(2));
                    q.put("userName", r.getString(3));
                    q.put("processId", r.getInt(4));
                    q.put("durationMs", r.getDouble(5));
                    q.put("queryText", r.getString(6));
                    q.put("instanceId", r.getString(7));
                    value.add(q);
                }
            }
        }
        return Map.of("value", value);
    }

    @GET
    @Path("/topQueryStatistics")
    public Map<String, Object> topQueries(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                          @PathParam("name") String name, @QueryParam("api-version") String apiVersion,
                                          @QueryParam("timespan") String timespan, @QueryParam("top") Integer top) throws SQLException {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MonitoredServer s = MonitoredServer.require(sub, rg, name);
        Instant[] range = MetricsRequest.timespan(timespan, clock.instant());
        List<Map<String, Object>> value = new ArrayList<>();
        // counters are cumulative: the work in the range is the newest snapshot minus the oldest one in it
        // (a statement first seen inside the range counts whole)
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH s AS (SELECT * FROM statement_stats WHERE server_id = ? AND collected_at >= ? AND collected_at < ?),
                     firsts AS (SELECT DISTINCT ON (query_id, database_name, user_name) * FROM s
                                 ORDER BY query_id, database_name, user_name, collected_at),
                     lasts AS (SELECT DISTINCT ON (query_id, database_name, user_name) * FROM s
                                 ORDER BY query_id, database_name, user_name, collected_at DESC)
                SELECT * FROM (
                  SELECT l.query_id, l.database_name, l.user_name, l.query,
                         CASE WHEN f.collected_at = l.collected_at OR l.calls < f.calls THEN l.calls ELSE l.calls - f.calls END AS calls,
                         CASE WHEN f.collected_at = l.collected_at OR l.calls < f.calls THEN l.total_ms ELSE l.total_ms - f.total_ms END AS total_ms,
                         CASE WHEN f.collected_at = l.collected_at OR l.calls < f.calls THEN l.rows_returned ELSE l.rows_returned - f.rows_returned END AS rows_returned
                    FROM lasts l JOIN firsts f USING (query_id, database_name, user_name)) w
                 WHERE calls > 0 ORDER BY total_ms DESC LIMIT ?""")) {
            ps.setObject(1, s.serverId);
            ps.setTimestamp(2, Timestamp.from(range[0]));
            ps.setTimestamp(3, Timestamp.from(range[1]));
            ps.setInt(4, limit(top));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long calls = r.getLong(5);
                    double total = r.getDouble(6);
                    if (calls <= 0) {
                        continue;
                    }
                    Map<String, Object> q = new LinkedHashMap<>();
                    q.put("queryId", r.getString(1));
                    q.put("databaseName", r.getString(2));
                    q.put("userName", r.getString(3));
                    q.put("queryText", r.getString(4));
                    q.put("calls", calls);
                    q.put("totalTimeMs", total);
                    q.put("meanTimeMs", total / calls);
                    q.put("rows", r.getLong(7));
                    value.add(q);
                }
            }
        }
        return Map.of("value", value);
    }

    private static int limit(Integer top) {
        if (top == null) {
            return 100;
        }
        if (top < 1 || top > 1000) {
            throw ArmException.badRequest("InvalidTop", "top must be between 1 and 1000.", "top");
        }
        return top;
    }
}
