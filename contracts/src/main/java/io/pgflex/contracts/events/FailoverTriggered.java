package io.pgflex.contracts.events;

import java.time.Instant;

/** ha-service decided to fail over. Topic {@link Topics#HA}. */
public record FailoverTriggered(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String reason,
        String oldPrimaryInstanceId,
        String newPrimaryInstanceId,
        long detectionMillis,
        boolean planned,
        Instant triggeredAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
