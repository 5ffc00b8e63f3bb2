package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A maintenance failed and was rolled back: the server serves on {@code fromVersion}; it is tried again from
 * {@code nextWindowStart}. Topic {@link Topics#MAINTENANCE}.
 */
public record MaintenanceFailed(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String maintenanceId,
        String fromVersion,
        String targetVersion,
        String reason,
        Instant nextWindowStart,
        Instant failedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
