package io.pgflex.maintenance.rollout;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One planned, running or past maintenance of a server: a minor-version patch in a window. */
@Entity
@Table(name = "maintenances")
public class Maintenance extends PanacheEntityBase {
    public static final String MINOR_VERSION_UPGRADE = "MinorVersionUpgrade";

    public enum State {
        /** Planned for {@code scheduledStart} (the notice went out). */
        Scheduled,
        /** Being patched now. */
        InProgress,
        /** Patched: every instance runs the target minor. */
        Completed,
        /** A step failed and was rolled back: the server serves on its old minor; a new maintenance follows in the next window. */
        Failed,
        /** No longer needed (the server was deleted, or runs the target already). */
        Canceled;

        public boolean open() {
            return this == Scheduled || this == InProgress;
        }
    }

    @Id
    public UUID id;
    @Column(name = "server_id", nullable = false)
    public UUID serverId;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(nullable = false)
    public String kind = MINOR_VERSION_UPGRADE;
    @Column(name = "from_version", nullable = false)
    public String fromVersion;
    @Column(name = "target_version", nullable = false)
    public String targetVersion;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;
    @Column(name = "scheduled_start", nullable = false)
    public Instant scheduledStart;
    @Column(name = "scheduled_end", nullable = false)
    public Instant scheduledEnd;
    /** The slot it was first given: a reschedule moves it at most a limit past this. */
    @Column(name = "first_start", nullable = false)
    public Instant firstStart;
    /** When the target minor was published (custom-window servers wait a week after it). */
    @Column(name = "published_at", nullable = false)
    public Instant publishedAt;
    @Column(name = "schedule_reason", nullable = false)
    public String scheduleReason;
    @Column(name = "apply_now", nullable = false)
    public boolean applyNow;
    /** The rollout step running or last run, and why. */
    public String step;
    @Column(name = "step_reason")
    public String stepReason;
    /** Since when the step has run (an HA step that waits gives up after a limit). */
    @Column(name = "step_since")
    public Instant stepSince;
    /** The server's HA generation when the patched standby was released: it is synchronous again once Healthy after it. */
    @Column(name = "release_generation")
    public Long releaseGeneration;
    @Column(nullable = false)
    public int attempt = 1;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    /** Measured write unavailability (the instances' stop-to-answer time). */
    @Column(name = "downtime_ms")
    public Long downtimeMillis;
    public String failure;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static List<Maintenance> open() {
        return list("state in ?1 order by scheduledStart", List.of(State.Scheduled, State.InProgress));
    }

    public static java.util.Optional<Maintenance> openFor(UUID serverId) {
        return find("serverId = ?1 and state in ?2", serverId, List.of(State.Scheduled, State.InProgress)).firstResultOptional();
    }

    public static List<Maintenance> ofServer(UUID serverId) {
        return list("serverId = ?1 order by createdAt desc", serverId);
    }

    /** Ends a server's open maintenance without work (its server is gone). */
    public static void cancelOpen(UUID serverId, String why, Instant now) {
        openFor(serverId).ifPresent(m -> {
            m.state = State.Canceled;
            m.failure = why;
            m.endedAt = now;
            m.updatedAt = now;
        });
    }
}
