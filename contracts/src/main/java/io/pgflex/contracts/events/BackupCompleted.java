package io.pgflex.contracts.events;

import java.time.Instant;

/** A base backup finished. Topic {@link Topics#BACKUPS}. */
public record BackupCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        long sizeBytes,
        long durationMillis,
        String startLsn,
        String endLsn,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
