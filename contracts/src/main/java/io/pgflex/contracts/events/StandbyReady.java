package io.pgflex.contracts.events;

import java.time.Instant;

/** A synchronous standby replicates. Topic {@link Topics#HA}. */
public record StandbyReady(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String standbyInstanceId,
        String standbyZone,
        Instant readyAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
