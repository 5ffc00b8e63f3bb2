package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A restore drill ran: the server's latest backup was restored into a scratch instance, WAL replayed
 * to its end, and the instance checked. {@code passed} false is an alert (severity Sev1): the backup
 * may not restore when it is needed. Topic {@link Topics#BACKUPS}.
 */
public record RestoreDrillCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String backupName,
        boolean passed,
        String detail,
        long durationMillis,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
