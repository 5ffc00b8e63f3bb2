package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * A user asked for a restart with failover ({@code POST …/restart} with restartWithFailover).
 * ha-service answers with SwitchoverCompleted (PlannedFailover) or FailoverCompleted
 * (ForcedFailover) carrying the same operation id. Topic {@link Topics#SERVERS}.
 *
 * @param mode PlannedFailover or ForcedFailover
 */
public record FailoverRequested(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String mode,
        Instant requestedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
