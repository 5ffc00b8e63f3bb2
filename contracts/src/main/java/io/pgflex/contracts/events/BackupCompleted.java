package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A base backup finished and is restorable. {@code restorableFrom}: the earliest point any backup of
 * the server can restore to now (the oldest kept backup's end). Topic {@link Topics#BACKUPS}.
 *
 * @param kind Automatic or OnDemand
 */
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
        Instant completedAt,
        String kind,
        Instant restorableFrom) implements PgflexEvent {
    public static final int VERSION = 1;
}
