package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * provisioning-service accepted a create request. Topic {@link Topics#SERVERS}.
 *
 * @param maintenanceWindow the window chosen at create (version 2; null in version 1 events: system-managed)
 */
public record ServerRequested(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String resourceGroup,
        String name,
        String location,
        String skuName,
        String skuTier,
        String engineVersion,
        int storageSizeGb,
        String haMode,
        int backupRetentionDays,
        String createMode,
        Instant requestedAt,
        WindowChoice maintenanceWindow) implements PgflexEvent {
    public static final int VERSION = 2;
}
