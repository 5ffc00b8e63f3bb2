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
}
