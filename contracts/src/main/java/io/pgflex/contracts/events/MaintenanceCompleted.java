package io.pgflex.contracts.events;

import java.time.Instant;

/** A maintenance finished. Topic {@link Topics#MAINTENANCE}. */
public record MaintenanceCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String maintenanceId,
        String fromVersion,
        String resultVersion,
        long downtimeMillis,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
