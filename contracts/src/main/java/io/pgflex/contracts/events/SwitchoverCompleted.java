package io.pgflex.contracts.events;

import java.time.Instant;

/** A planned switchover swapped roles. Topic {@link Topics#HA}. */
public record SwitchoverCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String newPrimaryInstanceId,
        String newStandbyInstanceId,
        long durationMillis,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
