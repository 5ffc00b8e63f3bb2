package io.pgflex.monitoring.alerts;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A metric alert rule of one server and where its evaluation stands (it survives restarts). */
@Entity
@Table(name = "alert_rules")
public class AlertRule extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "server_id", nullable = false)
    public UUID serverId;
    @Column(nullable = false)
    public String name;
    public String description;
    @Column(nullable = false)
    public String metric;
    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public Operator operator;
    @Column(nullable = false)
    public double threshold;
    @Column(nullable = false)
    public String aggregation;
    @Column(name = "window_seconds", nullable = false)
    public long windowSeconds;
    @Column(name = "frequency_seconds", nullable = false)
    public long frequencySeconds;
    @Column(nullable = false)
    public int severity;
    @Column(nullable = false)
    public boolean enabled;
    @Column(name = "webhook_url")
    public String webhookUrl;
    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public AlertState state;
    @Column(name = "last_value")
    public Double lastValue;
    @Column(name = "last_evaluated_at")
    public Instant lastEvaluatedAt;
    @Column(name = "next_evaluation_at", nullable = false)
    public Instant nextEvaluationAt;
    @Column(name = "fired_at")
    public Instant firedAt;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Azure's metric alert operators. */
    public enum Operator {
        GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual;

        public boolean holds(double value, double threshold) {
            return switch (this) {
                case GreaterThan -> value > threshold;
                case GreaterThanOrEqual -> value >= threshold;
                case LessThan -> value < threshold;
                case LessThanOrEqual -> value <= threshold;
            };
        }
    }

    /** Where a rule's condition stands. */
    public enum AlertState {
        /** not evaluated since it was created or changed */
        Unknown,
        /** the condition does not hold */
        Resolved,
        /** the condition holds: AlertFired was sent */
        Fired
    }
}
