package io.pgflex.contracts.events;

import java.time.Instant;

/** The server accepts TLS connections. Topic {@link Topics#SERVERS}. */
public record ServerProvisioned(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        String host,
        int port,
        String engineVersion,
        String minorVersion,
        Instant provisionedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
