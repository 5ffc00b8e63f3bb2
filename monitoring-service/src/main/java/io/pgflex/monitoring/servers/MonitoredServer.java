package io.pgflex.monitoring.servers;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A server whose metrics monitoring-service collects and keeps. */
@Entity
@Table(name = "monitored_servers")
public class MonitoredServer extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(name = "resource_group", nullable = false)
    public String resourceGroup;

    @Column(nullable = false)
    public String name;

    @Column(name = "metrics_retention_days", nullable = false)
    public int metricsRetentionDays;

    /** {@link io.pgflex.contracts.events.StorageLevelChanged.Level} last sent. */
    @Column(name = "storage_level", nullable = false)
    public String storageLevel = "Normal";

    @Column(name = "storage_level_since")
    public Instant storageLevelSince;

    @Column(name = "storage_level_sent_at")
    public Instant storageLevelSentAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The server's ARM id. */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name;
    }

    /** The live server with this ARM path (names are case-insensitive), or null. */
    public static MonitoredServer byPath(String subscriptionId, String resourceGroup, String name) {
        return find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and lower(name) = lower(?3) and deletedAt is null",
                subscriptionId, resourceGroup, name).firstResult();
    }

    /** The live server with this ARM path, or a 404 in ARM's words. */
    public static MonitoredServer require(String subscriptionId, String resourceGroup, String name) {
        MonitoredServer s = byPath(subscriptionId, resourceGroup, name);
        if (s == null) {
            throw io.pgflex.support.errors.ArmException.notFound("The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/"
                    + name + "' under resource group '" + resourceGroup + "' was not found.");
        }
        return s;
    }
}
