package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * ha-service will not carry out a requested restart with failover (FailoverRequested with the same
 * {@code operationId}), and says why: the operation ends failed with this reason. Topic
 * {@link Topics#HA}.
 *
 * @param mode   PlannedFailover or ForcedFailover, as requested
 * @param reason the decision's reason, e.g. "the standby is not confirmed synchronous yet (HA is ReplicatingData)"
 */
public record FailoverRefused(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String mode,
        String reason,
        Instant refusedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
