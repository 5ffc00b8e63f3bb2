package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * What provisioning wants of a server's high availability, after every create, update, start and
 * stop: the mode, whether the server should run, and (for a server ha-service does not know yet)
 * where its first instance runs. After that ha-service owns which instance is the primary.
 * Topic {@link Topics#SERVERS}.
 *
 * @param haMode Disabled, ZoneRedundant or SameZone
 */
public record HaDesired(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        String resourceGroup,
        String haMode,
        boolean running,
        HaMember primary,
        Instant requestedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
