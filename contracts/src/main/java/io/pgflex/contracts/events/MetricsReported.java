package io.pgflex.contracts.events;

import java.time.Instant;
import java.util.List;

/** One batch of metric points of one instance. Topic {@link Topics#METRICS}. */
public record MetricsReported(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String agentId,
        String instanceId,
        List<MetricPoint> points,
        Instant collectedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
