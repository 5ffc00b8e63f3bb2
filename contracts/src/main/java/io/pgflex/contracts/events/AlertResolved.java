package io.pgflex.contracts.events;

import java.time.Instant;

/** An alert rule's condition ended. Topic {@link Topics#ALERTS}. */
public record AlertResolved(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String ruleName,
        String metric,
        double observedValue,
        Instant resolvedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
