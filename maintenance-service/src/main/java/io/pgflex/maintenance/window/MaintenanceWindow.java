package io.pgflex.maintenance.window;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A server's maintenance window: system-managed until the user picks a custom day and hour. */
@Entity
@Table(name = "maintenance_windows")
public class MaintenanceWindow extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(name = "custom_window", nullable = false)
    public boolean customWindow;

    @Column(name = "day_of_week", nullable = false)
    public int dayOfWeek;

    @Column(name = "start_hour", nullable = false)
    public int startHour;

    @Column(name = "start_minute", nullable = false)
    public int startMinute;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** As the pure decisions take it. */
    public io.pgflex.maintenance.plan.Window window() {
        return new io.pgflex.maintenance.plan.Window(customWindow, dayOfWeek, startHour, startMinute);
    }
}
