package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * maintenance-service asks ha-service for what an HA server's rollout needs of it (operation id = the maintenance id).
 * Topic {@link Topics#MAINTENANCE}.
 *
 * @param action HoldStandby: commits stop waiting for the standby and ha-service leaves it alone (it is about to be
 *               restarted on new binaries), shown as ReplicatingData; ReleaseStandby: it catches up and becomes
 *               synchronous again (Healthy); Switchover: a planned switchover, as a restart with PlannedFailover
 *               (SwitchoverCompleted or FailoverRefused carry the maintenance id)
 */
public record HaMaintenanceRequested(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String action,
        Instant requestedAt) implements PgflexEvent {
    public static final int VERSION = 1;
    public static final String HOLD_STANDBY = "HoldStandby";
    public static final String RELEASE_STANDBY = "ReleaseStandby";
    public static final String SWITCHOVER = "Switchover";
}
