package io.pgflex.backup.policy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** How long a server's backups are kept; backup-service's own record of each server. */
@Entity
@Table(name = "backup_policies")
public class BackupPolicy extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(name = "retention_days", nullable = false)
    public int retentionDays;

    @Column(name = "geo_redundant", nullable = false)
    public boolean geoRedundant;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "resource_group")
    public String resourceGroup;

    @Column(name = "server_name")
    public String serverName;

    /** The server's location, for its operation URLs (null for a server recorded before it was kept). */
    public String location;

    /** Where the primary runs (base backups are taken there): provisioning's first placement, then ha-service's word. */
    @Column(name = "primary_agent_id")
    public String primaryAgentId;

    @Column(name = "primary_instance")
    public String primaryInstance;

    /** Generation of the last HA picture taken in (pgflex.ha), so an older one never wins. */
    @Column(name = "ha_generation", nullable = false)
    public long haGeneration;

    /** Whether the server should run (a stopped server takes no backups; its WAL was archived at the stop). */
    @Column(nullable = false)
    public boolean running;

    /** When the server was deleted: its backups stay restorable for the retention period after. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The earliest point the kept backups restore to (the oldest kept backup's end); null: no backup yet. */
    @Column(name = "restorable_from")
    public Instant restorableFrom;

    @Column(name = "last_drill_at")
    public Instant lastDrillAt;

    /** The earliest restore point the retention promises now: the window's start, or the first backup's end if later. */
    public Instant earliestRestoreDate(Instant now) {
        if (restorableFrom == null) {
            return null;
        }
        Instant window = (deletedAt == null ? now : deletedAt).minus(java.time.Duration.ofDays(retentionDays));
        return restorableFrom.isAfter(window) ? restorableFrom : window;
    }

    public static java.util.Optional<BackupPolicy> byName(String subscriptionId, String resourceGroup, String name) {
        return BackupPolicy.<BackupPolicy>find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and serverName = ?3"
                + " and deletedAt is null", subscriptionId, resourceGroup, name).firstResultOptional();
    }
}
