package io.pgflex.contracts.events;

import java.time.Instant;

/** provisioning-service accepted a create request. Topic {@link Topics#SERVERS}. */
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
        Instant requestedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
