package io.pgflex.contracts.events;

import java.time.Instant;

/** A base backup failed. Topic {@link Topics#BACKUPS}. */
public record BackupFailed(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        String reason,
        Instant failedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
