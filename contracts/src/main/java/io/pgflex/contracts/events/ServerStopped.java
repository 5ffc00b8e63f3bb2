package io.pgflex.contracts.events;

import java.time.Instant;

/** The server's processes are gone. Topic {@link Topics#SERVERS}. */
public record ServerStopped(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        Instant stoppedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
