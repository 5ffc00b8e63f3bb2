package io.pgflex.contracts.events;

import java.time.Instant;

/** The server and its data were removed. Topic {@link Topics#SERVERS}. */
public record ServerDeleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        Instant deletedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
