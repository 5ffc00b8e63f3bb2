package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A planned switchover swapped roles, and the old primary is the synchronous standby again. Topic {@link Topics#HA}.
 *
 * @param durationMillis     from the old primary's clean stop until the old primary is the synchronous standby again
 * @param writesPausedMillis from the old primary's clean stop until the new one was promoted: when no primary took writes
 *                           (version 2; null in version 1 events)
 */
public record SwitchoverCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String newPrimaryInstanceId,
        String newStandbyInstanceId,
        long durationMillis,
        Instant completedAt,
        Long writesPausedMillis) implements PgflexEvent {
    public static final int VERSION = 2;
}
