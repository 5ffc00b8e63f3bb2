package io.pgflex.contracts.events;

import java.time.Instant;

/** A backup left the retention window and was deleted. Topic {@link Topics#BACKUPS}. */
public record BackupExpired(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        Instant expiredAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
