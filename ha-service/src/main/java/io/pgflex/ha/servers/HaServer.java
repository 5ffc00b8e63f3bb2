package io.pgflex.ha.servers;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A server as ha-service tracks it, built from pgflex.servers events. */
@Entity
@Table(name = "ha_servers")
@org.hibernate.annotations.DynamicUpdate
public class HaServer extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(nullable = false)
    public String name;

    @Column(name = "ha_mode", nullable = false)
    public String haMode;

    @Enumerated(EnumType.STRING)
    @Column(name = "ha_state", nullable = false)
    public HaState haState;

    @Column(name = "events_handled", nullable = false)
    public int eventsHandled;

    @Column(name = "last_event_type")
    public String lastEventType;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "resource_group")
    public String resourceGroup;
    /** Whether the server should run (a stopped server is not probed, nor failed over). */
    public boolean running;
    /** Grows with every failover or switchover. */
    public long term;
    /** Grows with every HaStateChanged. */
    public long generation;
    @Column(name = "primary_agent")
    public String primaryAgent;
    @Column(name = "primary_instance")
    public String primaryInstance;
    @Column(name = "primary_host")
    public String primaryHost;
    @Column(name = "primary_port")
    public Integer primaryPort;
    @Column(name = "primary_zone")
    public String primaryZone;
    @Column(name = "standby_agent")
    public String standbyAgent;
    @Column(name = "standby_instance")
    public String standbyInstance;
    @Column(name = "standby_host")
    public String standbyHost;
    @Column(name = "standby_port")
    public Integer standbyPort;
    @Column(name = "standby_zone")
    public String standbyZone;
    /** The standby instance holds data that cannot be trusted (a failed-over primary): delete it, then clone. */
    @Column(name = "standby_reclone")
    public boolean standbyReclone;
    /** Why the primary runs without a synchronous standby (null when it has one or HA is off). */
    @Column(name = "degraded_reason")
    public String degradedReason;
    /** The step of a failover or switchover in progress (null when none is). */
    public String step;
    @Column(name = "step_operation")
    public String stepOperation;
    @Column(name = "step_reason")
    public String stepReason;
    @Column(name = "step_started_at")
    public Instant stepStartedAt;
    /** When a switchover's promotion completed (writes were paused from stepStartedAt until then). */
    @Column(name = "step_promoted_at")
    public Instant stepPromotedAt;
    @Column(name = "step_detected_ms")
    public Long stepDetectedMs;
    @Column(name = "step_lsn")
    public String stepLsn;
    /** A requested restart with failover not yet carried out: PlannedFailover or ForcedFailover. */
    @Column(name = "pending_mode")
    public String pendingMode;
    /** The operation of the request pending, or of a switchover that completes when the standby is back. */
    @Column(name = "pending_operation")
    public String pendingOperation;
    /** The maintenance patching the standby (HoldStandby until ReleaseStandby): commits do not wait for it meanwhile. */
    @Column(name = "standby_hold")
    public String standbyHold;
    @Column(name = "standby_hold_at")
    public Instant standbyHoldAt;
    /** The next generation of the server's HA picture, as HaStateChanged announces it (the generation grows). */
    public io.pgflex.contracts.events.HaStateChanged nextPicture(Instant now) {
        generation++;
        return new io.pgflex.contracts.events.HaStateChanged(serverId.toString(), subscriptionId, stepOperation,
                io.pgflex.contracts.events.HaStateChanged.VERSION, generation, haState.name(), primary(), standby(), shownReason(),
                now, unavailableReason == null);
    }

    @Column(name = "last_failover_at")
    public Instant lastFailoverAt;
    /** Why the primary counts as unavailable (null while it answers): the failover decision's reason. */
    @Column(name = "unavailable_reason")
    public String unavailableReason;

    /** The reason the resource shows: the primary's unavailability first, else why there is no synchronous standby. */
    public String shownReason() {
        return unavailableReason != null ? unavailableReason : degradedReason;
    }

    public io.pgflex.contracts.events.HaMember primary() {
        return primaryInstance == null ? null : new io.pgflex.contracts.events.HaMember(primaryAgent, primaryInstance,
                primaryHost, primaryPort == null ? 0 : primaryPort, primaryZone);
    }

    public io.pgflex.contracts.events.HaMember standby() {
        return standbyInstance == null ? null : new io.pgflex.contracts.events.HaMember(standbyAgent, standbyInstance,
                standbyHost, standbyPort == null ? 0 : standbyPort, standbyZone);
    }

    /** Swaps primary and standby (after a promotion). */
    /** A hold lasts at most this long: a maintenance that never releases its standby does not leave it asynchronous. */
    public static final java.time.Duration HOLD_LIMIT = java.time.Duration.ofMinutes(15);

    /** Whether a maintenance holds the standby now (set, and not older than {@link #HOLD_LIMIT}). */
    public boolean standbyHeld(Instant now) {
        return standbyHold != null && standbyHoldAt != null && now.isBefore(standbyHoldAt.plus(HOLD_LIMIT));
    }

    public void swap() {
        standbyHold = null; // a hold is of the standby it was asked for
        String a = primaryAgent, i = primaryInstance, h = primaryHost, z = primaryZone;
        Integer p = primaryPort;
        primaryAgent = standbyAgent;
        primaryInstance = standbyInstance;
        primaryHost = standbyHost;
        primaryPort = standbyPort;
        primaryZone = standbyZone;
        standbyAgent = a;
        standbyInstance = i;
        standbyHost = h;
        standbyPort = p;
        standbyZone = z;
    }

    public void clearStandby() {
        standbyHold = null;
        standbyAgent = null;
        standbyInstance = null;
        standbyHost = null;
        standbyPort = null;
        standbyZone = null;
        standbyReclone = false;
    }
}
