package io.pgflex.contracts.events;

import java.time.Instant;

/** An operation on the server failed. Topic {@link Topics#SERVERS}. */
public record ServerFailed(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        String errorCode,
        String reason,
        Instant failedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
