package io.pgflex.contracts.events;

import java.time.Instant;

/** The server runs without a healthy synchronous standby. Topic {@link Topics#HA}. */
public record HaDegraded(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String reason,
        Instant since) implements PgflexEvent {
    public static final int VERSION = 1;
}
