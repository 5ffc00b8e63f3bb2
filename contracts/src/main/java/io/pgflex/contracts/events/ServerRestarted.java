package io.pgflex.contracts.events;

import java.time.Instant;

/** The server was restarted. Topic {@link Topics#SERVERS}. */
public record ServerRestarted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        boolean withFailover,
        Instant restartedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
