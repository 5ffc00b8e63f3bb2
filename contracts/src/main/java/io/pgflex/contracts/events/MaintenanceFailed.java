package io.pgflex.contracts.events;

import java.time.Instant;

/** A maintenance failed. Topic {@link Topics#MAINTENANCE}. */
public record MaintenanceFailed(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String maintenanceId,
        String reason,
        Instant failedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
