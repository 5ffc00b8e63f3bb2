package io.pgflex.contracts.events;

import java.time.Instant;

/** A stopped server runs again. Topic {@link Topics#SERVERS}. */
public record ServerStarted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        boolean automatic,
        Instant startedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
