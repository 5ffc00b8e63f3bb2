package io.pgflex.contracts.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every pgflex event: its CloudEvent type ({@code pgflex.<Name>}), topic and payload record. */
public enum EventType {
    SERVER_REQUESTED(ServerRequested.class, Topics.SERVERS),
    SERVER_PROVISIONED(ServerProvisioned.class, Topics.SERVERS),
    SERVER_UPDATED(ServerUpdated.class, Topics.SERVERS),
    SERVER_STARTED(ServerStarted.class, Topics.SERVERS),
    SERVER_STOPPED(ServerStopped.class, Topics.SERVERS),
    SERVER_RESTARTED(ServerRestarted.class, Topics.SERVERS),
    SERVER_DELETED(ServerDeleted.class, Topics.SERVERS),
    SERVER_FAILED(ServerFailed.class, Topics.SERVERS),
    ENDPOINT_UPDATED(EndpointUpdated.class, Topics.SERVERS),
    HA_DESIRED(HaDesired.class, Topics.SERVERS),
    FAILOVER_REQUESTED(FailoverRequested.class, Topics.SERVERS),
    STANDBY_READY(StandbyReady.class, Topics.HA),
    FAILOVER_TRIGGERED(FailoverTriggered.class, Topics.HA),
    FAILOVER_COMPLETED(FailoverCompleted.class, Topics.HA),
    SWITCHOVER_COMPLETED(SwitchoverCompleted.class, Topics.HA),
    HA_DEGRADED(HaDegraded.class, Topics.HA),
    HA_STATE_CHANGED(HaStateChanged.class, Topics.HA),
    FAILOVER_REFUSED(FailoverRefused.class, Topics.HA),
    BACKUP_STARTED(BackupStarted.class, Topics.BACKUPS),
    BACKUP_COMPLETED(BackupCompleted.class, Topics.BACKUPS),
    BACKUP_FAILED(BackupFailed.class, Topics.BACKUPS),
    BACKUP_EXPIRED(BackupExpired.class, Topics.BACKUPS),
    RESTORE_COMPLETED(RestoreCompleted.class, Topics.BACKUPS),
    RESTORE_DRILL_COMPLETED(RestoreDrillCompleted.class, Topics.BACKUPS),
    MAINTENANCE_SCHEDULED(MaintenanceScheduled.class, Topics.MAINTENANCE),
    MAINTENANCE_STARTED(MaintenanceStarted.class, Topics.MAINTENANCE),
    MAINTENANCE_COMPLETED(MaintenanceCompleted.class, Topics.MAINTENANCE),
    MAINTENANCE_FAILED(MaintenanceFailed.class, Topics.MAINTENANCE),
    HA_MAINTENANCE_REQUESTED(HaMaintenanceRequested.class, Topics.MAINTENANCE),
    ALERT_FIRED(AlertFired.class, Topics.ALERTS),
    ALERT_RESOLVED(AlertResolved.class, Topics.ALERTS),
    STORAGE_LEVEL_CHANGED(StorageLevelChanged.class, Topics.ALERTS),
    INSTANCE_HEARTBEAT(InstanceHeartbeat.class, Topics.AGENT_HEARTBEATS),
    METRICS_REPORTED(MetricsReported.class, Topics.METRICS);

    private static final Map<String, EventType> BY_CE_TYPE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::ceType, Function.identity()));
    private static final Map<Class<?>, EventType> BY_PAYLOAD =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::payloadType, Function.identity()));

    private final Class<? extends PgflexEvent> payloadType;
    private final String topic;

    EventType(Class<? extends PgflexEvent> payloadType, String topic) {
        this.payloadType = payloadType;
        this.topic = topic;
    }

    public String ceType() {
        return CloudEvents.TYPE_PREFIX + payloadType.getSimpleName();
    }

    public String topic() {
        return topic;
    }

    public Class<? extends PgflexEvent> payloadType() {
        return payloadType;
    }

    public static Optional<EventType> ofCeType(String ceType) {
        return Optional.ofNullable(BY_CE_TYPE.get(ceType));
    }

    public static EventType of(PgflexEvent event) {
        EventType type = BY_PAYLOAD.get(event.getClass());
        if (type == null) {
            throw new IllegalArgumentException("not a registered pgflex event: " + event.getClass().getName());
        }
        return type;
    }
}
