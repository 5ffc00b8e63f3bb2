package io.pgflex.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * One batch of metric points of one instance, every collection interval (a minute by default).
 * Topic {@link Topics#METRICS}. {@code (instanceId, collectedAt)} identifies a batch: a redelivered
 * batch is stored once. {@code role} is Primary or Standby (only a primary's points make the
 * server's series); {@code storageSizeGb} the size storage_percent was measured against; {@code slowQueries} are the log entries
 * since the previous batch; {@code topStatements} the costliest pg_stat_statements lines (primary
 * only; empty when the extension is not loaded).
 */
public record MetricsReported(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String agentId,
        String instanceId,
        String role,
        Integer storageSizeGb,
        List<MetricPoint> points,
        List<SlowQuery> slowQueries,
        List<StatementStats> topStatements,
        Instant collectedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
