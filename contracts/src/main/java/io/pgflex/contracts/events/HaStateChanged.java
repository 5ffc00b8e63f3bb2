package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * The whole HA picture of a server whenever it changes: state, which instance is the primary, the
 * standby (null when there is none), and why the server runs without a synchronous standby (null
 * when it has one). {@code generation} grows with every change, so a consumer keeps the newest.
 * Topic {@link Topics#HA}.
 *
 * @param state            NotEnabled, CreatingStandby, ReplicatingData, Healthy, FailingOver or RemovingStandby
 * @param primaryAvailable whether the primary answers (version 2; null in version 1 events): false from
 *                         about a second without an answer until a primary answers again, whatever
 *                         the state (the resource then shows Inaccessible, and degradedReason says why)
 */
public record HaStateChanged(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        long generation,
        String state,
        HaMember primary,
        HaMember standby,
        String degradedReason,
        Instant changedAt,
        Boolean primaryAvailable) implements PgflexEvent {
    public static final int VERSION = 2;
}
