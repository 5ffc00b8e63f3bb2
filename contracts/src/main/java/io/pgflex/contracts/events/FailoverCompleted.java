package io.pgflex.contracts.events;

import java.time.Instant;

/** The standby was promoted and the endpoint follows it. Topic {@link Topics#HA}. */
public record FailoverCompleted(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String newPrimaryInstanceId,
        long rtoMillis,
        String oldPrimaryLsn,
        String promotedLsn,
        Instant completedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
