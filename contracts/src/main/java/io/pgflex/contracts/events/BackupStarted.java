package io.pgflex.contracts.events;

import java.time.Instant;

/** A base backup began. Topic {@link Topics#BACKUPS}. */
public record BackupStarted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        String kind,
        Instant startedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
