package io.pgflex.contracts.events;

import java.time.Instant;

/** A point-in-time restore produced a new server. Topic {@link Topics#BACKUPS}. */
public record RestoreCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String sourceServerId,
        Instant pointInTime,
        String restoredLsn,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
