package io.pgflex.provisioning.server;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A flexible server as the control plane records it. */
@Entity
@Table(name = "servers")
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

    @Column(name = "sku_name", nullable = false)
    public String skuName;

    @Column(name = "sku_tier", nullable = false)
    public String skuTier;

    @Column(nullable = false)
    public String version;

    @Column(name = "admin_login", nullable = false)
    public String adminLogin;

    @Column(name = "storage_gb", nullable = false)
    public int storageGb;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ServerState state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Optional<ServerEntity> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static Optional<ServerEntity> findInGroup(String subscriptionId, String resourceGroup, String name) {
        return find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name = ?3",
                subscriptionId, resourceGroup, name).firstResultOptional();
    }
}
