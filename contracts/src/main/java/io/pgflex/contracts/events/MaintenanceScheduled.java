package io.pgflex.contracts.events;

import java.time.Instant;

/** A maintenance was planned, with advance notice. Topic {@link Topics#MAINTENANCE}. */
public record MaintenanceScheduled(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String maintenanceId,
        String kind,
        String fromVersion,
        String targetVersion,
        Instant windowStart,
        Instant windowEnd) implements PgflexEvent {
    public static final int VERSION = 1;
}
