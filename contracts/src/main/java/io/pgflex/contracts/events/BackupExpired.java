package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A backup left the retention window (or an on-demand one was deleted) and is gone with the WAL
 * only it needed. {@code restorableFrom}: the earliest restorable point now (null: nothing left).
 * Topic {@link Topics#BACKUPS}.
 */
public record BackupExpired(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        Instant expiredAt,
        Instant restorableFrom) implements PgflexEvent {
    public static final int VERSION = 1;
}
