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

    @Column(nullable = false)
    public String name;

    @Column(name = "metrics_retention_days", nullable = false)
    public int metricsRetentionDays;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
