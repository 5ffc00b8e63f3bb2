package io.pgflex.contracts.events;

import java.time.Instant;

/** A maintenance began inside its window. Topic {@link Topics#MAINTENANCE}. */
public record MaintenanceStarted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String maintenanceId,
        String fromVersion,
        String targetVersion,
        Instant startedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
