package io.pgflex.provisioning.model;



import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/** A flexible server as the control plane records it: what the user asked for, and where it runs. */
@Entity
@Table(name = "servers")
@DynamicUpdate
public class ServerEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(name = "resource_group", nullable = false)
    public String resourceGroup;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public String location;
    @Column(nullable = false)
    public String tags;
    @Column(name = "sku_name", nullable = false)
    public String skuName;
    @Column(name = "sku_tier", nullable = false)
    public String skuTier;
    @Column(nullable = false)
    public String version;
    @Column(name = "minor_version")
    public String minorVersion;
    @Column(name = "admin_login", nullable = false)
    public String adminLogin;
    @Column(name = "admin_password_verifier", nullable = false)
    public String adminPasswordVerifier;
    @Column(name = "storage_gb", nullable = false)
    public int storageGb;
    @Column(name = "storage_auto_grow", nullable = false)
    public boolean storageAutoGrow;
    /** Storage is full and could not grow: the instance runs with default_transaction_read_only=on. */
    @Column(name = "storage_read_only", nullable = false)
    public boolean storageReadOnly;
    @Column(name = "backup_retention_days", nullable = false)
    public int backupRetentionDays;
    @Column(name = "geo_redundant_backup", nullable = false)
    public boolean geoRedundantBackup;
    @Column(name = "ha_mode", nullable = false)
    public String haMode;
    @Column(name = "availability_zone")
    public String availabilityZone;
    @Column(name = "maintenance_custom", nullable = false)
    public boolean maintenanceCustom;

    /** The maintenance window as events carry it. */
    public io.pgflex.contracts.events.WindowChoice maintenanceWindow() {
        return new io.pgflex.contracts.events.WindowChoice(maintenanceCustom, maintenanceDay, maintenanceHour, maintenanceMinute);
    }

    @Column(name = "maintenance_day", nullable = false)
    public int maintenanceDay;
    @Column(name = "maintenance_hour", nullable = false)
    public int maintenanceHour;
    @Column(name = "maintenance_minute", nullable = false)
    public int maintenanceMinute;
    @Column(name = "public_network_access", nullable = false)
    public boolean publicNetworkAccess;
    @Column(nullable = false)
    public String parameters;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ServerState state;
    @Column(name = "agent_id")
    public String agentId;
    @Column(name = "instance_id")
    public String instanceId;
    public String host;
    public Integer port;
    /** The port of the server's stable endpoint on the router (unique among servers). */
    @Column(name = "endpoint_port")
    public Integer endpointPort;
    /** Grows with every EndpointUpdated of the server, so the router can ignore stale ones. */
    @Column(name = "endpoint_generation", nullable = false)
    public long endpointGeneration;
    /** properties.highAvailability.state, as ha-service last announced it. */
    @Column(name = "ha_state", nullable = false)
    public String haState = "NotEnabled";
    /** The generation of the last HaStateChanged taken in. */
    @Column(name = "ha_generation", nullable = false)
    public long haGeneration;
    @Column(name = "ha_degraded_reason")
    public String haDegradedReason;
    /** Whether the primary answers, as ha-service last announced it (HA servers only). */
    @Column(name = "primary_available", nullable = false)
    public boolean primaryAvailable = true;

    /**
     * properties.state as the user sees it: the lifecycle state, except that a Ready server whose
     * primary does not answer (nobody can connect) is Inaccessible until a primary answers again.
     */
    public ServerState shownState() {
        if (state == ServerState.Ready && maintenanceId != null) {
            return ServerState.Updating; // maintenance-service patches it (MaintenanceStarted until Completed or Failed)
        }
        return state == ServerState.Ready && !primaryAvailable && !"NotEnabled".equals(haState) ? ServerState.Inaccessible : state;
    }
    /** The maintenance patching the server now (null: none). */
    @Column(name = "maintenance_id")
    public String maintenanceId;
    @Column(name = "standby_agent_id")
    public String standbyAgentId;
    @Column(name = "standby_instance_id")
    public String standbyInstanceId;
    @Column(name = "standby_host")
    public String standbyHost;
    @Column(name = "standby_port")
    public Integer standbyPort;
    @Column(name = "standby_zone")
    public String standbyZone;
    @Column(name = "resource_limits")
    public String resourceLimits;

    /** PEM of the CA that signed the server's TLS certificate (published; null until the instance has one). */
    @Column(name = "ca_certificate")
    public String caCertificate;
    @Column(name = "stopped_at")
    public Instant stoppedAt;
    /** The earliest point the server's backups restore to (backup-service's events); null before the first backup. */
    @Column(name = "restorable_from")
    public Instant restorableFrom;
    /** Default, or PointInTimeRestore (then the source and the point in time are set). */
    @Column(name = "create_mode", nullable = false)
    public String createMode = "Default";
    @Column(name = "source_server_id")
    public UUID sourceServerId;
    @Column(name = "point_in_time")
    public Instant pointInTime;
    /** Set at a stop: every transaction committed before it is in the WAL archive. */
    @Column(name = "archived_until")
    public Instant archivedUntil;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** ARM's systemData: the API token's subject that created the server, and its type (User, Application). */
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_by_type")
    public String createdByType;
    /** The last PUT or PATCH of the server: by whom and when (system changes such as a failover are not). */
    @Column(name = "last_modified_by")
    public String lastModifiedBy;
    @Column(name = "last_modified_by_type")
    public String lastModifiedByType;
    @Column(name = "last_modified_at")
    public Instant lastModifiedAt;

    /** The earliest restore point promised now: the retention window's start, or the first backup's end if later. */
    public Instant earliestRestoreDate(Instant now) {
        return earliestRestore(restorableFrom, now, backupRetentionDays);
    }

    /** The window's start, or the first backup's end if later; null without a backup. */
    public static Instant earliestRestore(Instant restorableFrom, Instant end, int retentionDays) {
        if (restorableFrom == null) {
            return null;
        }
        Instant window = end.minus(java.time.Duration.ofDays(retentionDays));
        return restorableFrom.isAfter(window) ? restorableFrom : window;
    }

    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name;
    }

    public static Optional<ServerEntity> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static Optional<ServerEntity> findInGroup(String subscriptionId, String resourceGroup, String name) {
        return find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name = ?3",
                subscriptionId, resourceGroup, name).firstResultOptional();
    }

    /**
     * The server, locked for this transaction (SELECT … FOR UPDATE). Every write path reads the row
     * this way, so an API request and a running operation never overwrite each other's changes.
     */
    public static Optional<ServerEntity> findInGroupForUpdate(String subscriptionId, String resourceGroup, String name) {
        return find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name = ?3",
                subscriptionId, resourceGroup, name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static ServerEntity lockById(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
