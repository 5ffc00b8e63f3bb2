package io.pgflex.provisioning.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A deleted server whose backups are still kept: what a point-in-time restore of it needs. */
@Entity
@Table(name = "deleted_servers")
public class DeletedServerEntity extends PanacheEntityBase {
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
    public String version;
    @Column(name = "sku_name", nullable = false)
    public String skuName;
    @Column(name = "sku_tier", nullable = false)
    public String skuTier;
    @Column(name = "storage_gb", nullable = false)
    public int storageGb;
    @Column(name = "admin_login", nullable = false)
    public String adminLogin;
    @Column(name = "admin_password_verifier", nullable = false)
    public String adminPasswordVerifier;
    @Column(name = "backup_retention_days", nullable = false)
    public int backupRetentionDays;
    @Column(name = "restorable_from")
    public Instant restorableFrom;
    /** Everything committed before this is in the WAL archive (the WAL switch at the deletion). */
    @Column(name = "restorable_until")
    public Instant restorableUntil;
    @Column(name = "deleted_at", nullable = false)
    public Instant deletedAt;

    static DeletedServerEntity of(ServerEntity s, Instant deletedAt, Instant restorableUntil) {
        DeletedServerEntity d = new DeletedServerEntity();
        d.id = s.id;
        d.subscriptionId = s.subscriptionId;
        d.resourceGroup = s.resourceGroup;
        d.name = s.name;
        d.location = s.location;
        d.version = s.version;
        d.skuName = s.skuName;
        d.skuTier = s.skuTier;
        d.storageGb = s.storageGb;
        d.adminLogin = s.adminLogin;
        d.adminPasswordVerifier = s.adminPasswordVerifier;
        d.backupRetentionDays = s.backupRetentionDays;
        d.restorableFrom = s.restorableFrom;
        d.restorableUntil = restorableUntil;
        d.deletedAt = deletedAt;
        return d;
    }

    /** Records a deleted server (the caller's transaction commits it). */
    public static void record(ServerEntity s, Instant deletedAt, Instant restorableUntil) {
        if (findById(s.id) == null) {
            of(s, deletedAt, restorableUntil).persist();
        }
    }
}
