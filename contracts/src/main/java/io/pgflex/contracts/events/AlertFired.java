package io.pgflex.contracts.events;

import java.time.Instant;

/** An alert rule's condition became true. Topic {@link Topics#ALERTS}. */
public record AlertFired(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String ruleName,
        String metric,
        String operator,
        double threshold,
        double observedValue,
        int severity,
        Instant firedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
