package io.pgflex.maintenance.servers;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** What maintenance-service knows of a server: its name, major and minor, HA and where its instances run. */
@Entity
@Table(name = "servers")
public class MaintainedServer extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(name = "resource_group", nullable = false)
    public String resourceGroup;
    @Column(nullable = false)
    public String name;
    @Column(name = "engine_major", nullable = false)
    public String engineMajor;
    /** The minor its primary runs, as last reported (ServerProvisioned, then each patch). */
    @Column(name = "minor_version")
    public String minorVersion;
    @Column(name = "ha_mode", nullable = false)
    public String haMode = "Disabled";
    @Column(name = "ha_state")
    public String haState;
    /** Why the server's HA is not Healthy, as ha-service last said (names a maintenance that holds the standby). */
    @Column(name = "ha_reason")
    public String haReason;
    @Column(nullable = false)
    public boolean running = true;
    @Column(name = "ha_generation", nullable = false)
    public long haGeneration;
    @Column(name = "primary_agent")
    public String primaryAgent;
    @Column(name = "primary_instance")
    public String primaryInstance;
    @Column(name = "standby_agent")
    public String standbyAgent;
    @Column(name = "standby_instance")
    public String standbyInstance;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static java.util.Optional<MaintainedServer> byName(String subscriptionId, String resourceGroup, String name) {
        return find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and lower(name) = lower(?3)", subscriptionId,
                resourceGroup, name).firstResultOptional();
    }

    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name;
    }

    public boolean ha() {
        return standbyInstance != null && !"Disabled".equals(haMode);
    }
}
