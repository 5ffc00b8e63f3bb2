package io.pgflex.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * A change to the server's properties was applied. Topic {@link Topics#SERVERS}.
 *
 * @param maintenanceWindow the server's window after the change (version 2; null in version 1 events)
 */
public record ServerUpdated(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        Map<String, String> changes,
        long downtimeMillis,
        Instant updatedAt,
        WindowChoice maintenanceWindow) implements PgflexEvent {
    public static final int VERSION = 2;
}
