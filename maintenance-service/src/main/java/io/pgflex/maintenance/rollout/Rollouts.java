package io.pgflex.maintenance.rollout;

import io.pgflex.contracts.agent.EngineChange;
import io.pgflex.contracts.agent.EngineChangeResult;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.events.HaMaintenanceRequested;
import io.pgflex.contracts.events.MaintenanceCompleted;
import io.pgflex.contracts.events.MaintenanceFailed;
import io.pgflex.contracts.events.MaintenanceScheduled;
import io.pgflex.contracts.events.MaintenanceStarted;
import io.pgflex.maintenance.catalogue.EngineVersion;
import io.pgflex.maintenance.config.Agents;
import io.pgflex.maintenance.config.MaintenanceConfig;
import io.pgflex.maintenance.plan.Rollout;
import io.pgflex.maintenance.plan.Scheduling;
import io.pgflex.maintenance.plan.Versions;
import io.pgflex.maintenance.plan.Window;
import io.pgflex.maintenance.servers.MaintainedServer;
import io.pgflex.maintenance.window.MaintenanceWindow;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.ws.rs.WebApplicationException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The maintenance loop: the planner finds servers on an older minor than their major's current one and schedules
 * them (MaintenanceScheduled, the notice); the executor runs each open maintenance's next step as {@link Rollout}
 * decides it, inside the server's window (or at once after applyNow), and ends it Completed, or Failed and rolled back
 * with a new maintenance in the next window. Every step is re-derived from what the agents report, so a restart of
 * this service in the middle resumes where the instances are.
 *
 * <p>Why this long: the executor is one state machine carried across ticks and restarts (the step recorded on the
 * maintenance row, the HA hold and release, the switchover request, each exit path releasing a hold); its decisions
 * are {@link Rollout}'s (pure, tested by scenario), what is here is the bookkeeping of carrying them out.
 */
@ApplicationScoped
public class Rollouts {
    private static final Logger LOG = Logger.getLogger(Rollouts.class);

    private final MaintenanceConfig config;
    private final Agents agents;
    private final Outbox outbox;
    private final Clock clock;

    public Rollouts(MaintenanceConfig config, Agents agents, Outbox outbox, Clock clock) {
        this.config = config;
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.maintenance.interval:2s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            plan();
        } catch (RuntimeException e) {
            LOG.warnf(e, "planning maintenance failed: %s", e.getMessage());
        }
        for (UUID id : QuarkusTransaction.requiringNew().call(() -> Maintenance.open().stream().map(m -> m.id).toList())) {
            try {
                step(id);
            } catch (RuntimeException e) {
                LOG.warnf(e, "maintenance %s: %s", id, e.getMessage());
            }
        }
    }

    /** Schedules every server that is due and has no open maintenance; one whose target moved on gets the newer one. */
    public void plan() {
        List<UUID> servers = QuarkusTransaction.requiringNew().call(() -> MaintainedServer.<MaintainedServer>listAll()
                .stream().map(s -> s.serverId).toList());
        for (UUID serverId : servers) {
            QuarkusTransaction.requiringNew().run(() -> planOne(serverId));
        }
    }

    private void planOne(UUID serverId) {
        MaintainedServer s = MaintainedServer.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
        if (s == null || s.minorVersion == null) {
            return;
        }
        EngineVersion current = EngineVersion.currentOf(s.engineMajor).orElse(null);
        if (current == null) {
            return;
        }
        Versions.Due due = Versions.due(s.minorVersion, current.version);
        Maintenance open = Maintenance.openFor(serverId).orElse(null);
        if (!due.due()) {
            return;
        }
        if (open != null) {
            if (open.state == Maintenance.State.Scheduled && !open.targetVersion.equals(current.version)) {
                LOG.infof("server %s: maintenance %s now targets %s (was %s)", s.name, open.id, current.version, open.targetVersion);
                open.targetVersion = current.version;
                open.updatedAt = clock.instant();
                announce(open);
            }
            return;
        }
        Window window = window(serverId);
        Instant now = clock.instant();
        Scheduling.Slot slot = Scheduling.schedule(window, current.publishedAt, now, config.notice(), config.customDelay(), config.zoneId());
        Maintenance m = new Maintenance();
        m.id = UUID.randomUUID();
        m.serverId = serverId;
        m.subscriptionId = s.subscriptionId;
        m.fromVersion = s.minorVersion;
        m.targetVersion = current.version;
        m.state = Maintenance.State.Scheduled;
        m.scheduledStart = slot.start();
        m.scheduledEnd = slot.end();
        m.firstStart = slot.start();
        m.publishedAt = current.publishedAt;
        m.scheduleReason = due.reason() + "; " + slot.reason();
        m.createdAt = now;
        m.updatedAt = now;
        m.persist();
        LOG.infof("server %s: maintenance %s scheduled for %s (%s -> %s): %s", s.name, m.id, m.scheduledStart, m.fromVersion,
                m.targetVersion, m.scheduleReason);
        announce(m);
    }

    /**
     * The server's window changed: a scheduled maintenance (not one a user rescheduled or applied now) moves to the new
     * window by the same rule it was first placed with, and never into the past; the notice goes out again. In the
     * caller's transaction (the window's row is written already).
     */
    public void windowChanged(UUID serverId) {
        Maintenance.openFor(serverId).filter(m -> m.state == Maintenance.State.Scheduled && !m.applyNow
                && !m.scheduleReason.startsWith("rescheduled")).ifPresent(m -> {
            Window w = window(serverId);
            Instant now = clock.instant();
            Scheduling.Slot slot = Scheduling.schedule(w, m.publishedAt, m.createdAt, config.notice(), config.customDelay(), config.zoneId());
            Instant start = slot.start().isBefore(now) ? w.nextStart(now, config.zoneId()) : slot.start();
            if (!start.equals(m.scheduledStart)) {
                m.scheduledStart = start;
                m.scheduledEnd = start.plus(Window.LENGTH);
                m.firstStart = start;
                m.scheduleReason = "the server's maintenance window changed: " + slot.reason();
                m.updatedAt = now;
                LOG.infof("maintenance %s: the server's window changed; now %s", m.id, start);
                announce(m);
            }
        });
    }

    /** The notice: MaintenanceScheduled with the window (again after every move). */
    public void announce(Maintenance m) {
        outbox.publish(new MaintenanceScheduled(m.serverId.toString(), m.subscriptionId, m.id.toString(), MaintenanceScheduled.VERSION,
                m.id.toString(), m.kind, m.fromVersion, m.targetVersion, m.scheduledStart, m.scheduledEnd));
    }

    /** What a maintenance's server looks like now, as the decision takes it. */
    private record Observed(MaintainedServer server, Maintenance maintenance) {
    }

    /** Runs the next step of one open maintenance. */
    public void step(UUID maintenanceId) {
        Observed o = QuarkusTransaction.requiringNew().call(() -> {
            Maintenance m = Maintenance.findById(maintenanceId);
            if (m == null || !m.state.open()) {
                return null;
            }
            MaintainedServer s = MaintainedServer.findById(m.serverId);
            if (s == null) {
                Maintenance.cancelOpen(m.serverId, "the server was deleted", clock.instant());
                return null;
            }
            return new Observed(s, m);
        });
        if (o == null) {
            return;
        }
        MaintainedServer s = o.server();
        Maintenance m = o.maintenance();
        Instant now = clock.instant();
        boolean inWindow = !now.isBefore(m.scheduledStart) && now.isBefore(m.scheduledEnd);
        if (!inWindow && !m.applyNow && m.state == Maintenance.State.Scheduled) {
            if (!now.isBefore(m.scheduledEnd)) {
                moveToNextWindow(m.id, "the window passed without the patch (the service or the server was not up then)");
            }
            return; // nothing to ask the agents before the window opens
        }
        boolean held = "HOLD_STANDBY".equals(m.step);
        if (!s.running) {
            if (held) {
                release(m, s, "released: the server was stopped");
            }
            record(m.id, "WAIT_FOR_WINDOW", "the server is stopped: it is patched in a window while it runs");
            if (!now.isBefore(m.scheduledEnd)) {
                moveToNextWindow(m.id, "the server was stopped during its window");
            }
            return;
        }
        if (s.primaryAgent == null || s.primaryInstance == null) {
            record(m.id, "WAIT_FOR_WINDOW", "where the server's primary runs is not known yet");
            return;
        }
        if (!"Disabled".equals(s.haMode) && s.standbyInstance == null) {
            // never patched in place while it has (or is getting) a standby ha-service may fail over to
            if (held) {
                release(m, s, "released: the server has no standby now");
            }
            record(m.id, "WAIT_FOR_SYNCHRONOUS_STANDBY", "high availability is " + s.haState
                    + " without a known standby: waiting for ha-service to build it");
            return;
        }
        String primaryVersion = version(s.primaryAgent, s.primaryInstance);
        String standbyVersion = s.ha() ? version(s.standbyAgent, s.standbyInstance) : null;
        // the standby is synchronous again once ha-service says Healthy after the patched standby was released, and the
        // primary reports it synchronous (the Kafka-fed picture alone may be older than the release)
        boolean synchronous = "Healthy".equals(s.haState) && (m.releaseGeneration == null || s.haGeneration > m.releaseGeneration)
                && (standbyVersion == null || !Versions.atLeast(standbyVersion, m.targetVersion) || primaryWaitsFor(s));
        boolean syncWaitExpired = "RELEASED".equals(m.step) && m.stepSince != null
                && now.isAfter(m.stepSince.plus(config.syncWaitLimit()));
        String failure = m.state == Maintenance.State.InProgress ? m.failure : null; // ha-service refused the switchover
        if (failure == null && "SWITCHOVER".equals(m.step) && m.stepSince != null && now.isAfter(m.stepSince.plus(SWITCHOVER_LIMIT))
                && !Versions.atLeast(primaryVersion, m.targetVersion)) {
            failure = "the switchover did not happen within " + SWITCHOVER_LIMIT.toSeconds() + " s";
        }
        Rollout.Step step = Rollout.next(new Rollout.State(s.ha(), m.targetVersion, primaryVersion, standbyVersion,
                synchronous, syncWaitExpired, inWindow, m.applyNow, false, failure));
        if (!step.reason().equals(m.stepReason)) {
            LOG.infof("server %s: maintenance %s: %s — %s", s.name, m.id, step.action(), step.reason());
        }
        if (held && step.action() != Rollout.Action.PATCH_STANDBY) {
            // a hold is only for the standby's own patch: whatever else comes next (this service restarted after the
            // patch, the window closed, a failure), the standby goes back to being waited for first
            release(m, s, "released: " + step.reason());
        }
        switch (step.action()) {
            case DONE -> {
                if (m.state == Maintenance.State.InProgress && s.ha()) {
                    boolean waitedTooLong = m.stepSince != null && now.isAfter(m.stepSince.plus(config.syncWaitLimit()));
                    if (!synchronous && !waitedTooLong) {
                        record(m.id, "RELEASED", "every instance runs " + m.targetVersion
                                + ": completed once the standby is synchronous again");
                        return;
                    }
                    if (!synchronous) {
                        LOG.warnf("maintenance %s: every instance runs %s but the standby is not synchronous after %s:"
                                + " completed; ha-service goes on with the standby", m.id, m.targetVersion, config.syncWaitLimit());
                    }
                    complete(m.id, primaryVersion, null);
                } else if (m.state == Maintenance.State.InProgress) {
                    // resumed after a restart of this service: the agent answers with the figures of the change it made
                    EngineChangeResult r = change(s.primaryAgent, s.primaryInstance, m);
                    complete(m.id, r.version(), r.downtimeMillis());
                } else {
                    // an earlier attempt's patch finished after it was given up: the server runs the target already
                    complete(m.id, primaryVersion, 0L);
                }
            }
            case WAIT_FOR_WINDOW -> {
                if ("SWITCHOVER".equals(m.step)) {
                    return; // asked of ha-service already: it happens (the old primary follows) or fails after the limit
                }
                record(m.id, step.action().name(), step.reason());
                if (m.state == Maintenance.State.InProgress) {
                    moveToNextWindow(m.id, "the window closed before the patch ran");
                }
            }
            case PATCH_IN_PLACE -> patchInPlace(s, m, step);
            case PATCH_STANDBY -> patchStandby(s, m, step);
            case WAIT_FOR_SYNCHRONOUS_STANDBY -> record(m.id, "RELEASED", step.reason());
            case SWITCHOVER -> {
                if (!"SWITCHOVER".equals(m.step) && start(m.id, step)) {
                    checkpointBeforeSwitchover(s);
                    request(m, HaMaintenanceRequested.SWITCHOVER, "SWITCHOVER", step.reason(), null);
                }
            }
            case ROLL_BACK -> {
                if (standbyVersion != null && !standbyVersion.equals(primaryVersion) && !Versions.atLeast(primaryVersion, m.targetVersion)) {
                    // the standby was patched but the switchover did not come: it may stay newer (a standby may run a
                    // newer minor than its primary); the next attempt switches over to it
                    LOG.infof("server %s: standby runs %s, primary %s: left so for the next attempt", s.name, standbyVersion,
                            primaryVersion);
                }
                fail(m.id, step.reason(), null);
            }
        }
    }

    /** A switchover that has not swapped the roles by then has failed (ha-service says why when it refuses at once). */
    static final java.time.Duration SWITCHOVER_LIMIT = java.time.Duration.ofMinutes(2);
    /** How long after the hold request the standby is stopped at the earliest (a cycle of ha-service under way ends). */
    static final java.time.Duration HOLD_SETTLE = java.time.Duration.ofSeconds(2);
    /** How long ha-service may take to stop making commits wait for a standby it was asked to hold. */
    static final java.time.Duration HOLD_LIMIT = java.time.Duration.ofMinutes(3);

    /**
     * The standby's patch, in two ticks: ha-service is asked to hold it (commits stop waiting for it); once the primary
     * reports it asynchronous, the agent patches it, and ha-service is asked to release it (it catches up and becomes
     * synchronous again). Writes do not pause for any of it.
     */
    private void patchStandby(MaintainedServer s, Maintenance m, Rollout.Step step) {
        if (!"HOLD_STANDBY".equals(m.step) && !"Healthy".equals(s.haState) && !"ReplicatingData".equals(s.haState)) {
            record(m.id, m.step == null ? "PATCH_STANDBY" : m.step, "waiting for ha-service (high availability is " + s.haState
                    + ") before the standby is patched");
            return;
        }
        if (!"HOLD_STANDBY".equals(m.step)) {
            if (start(m.id, step)) {
                request(m, HaMaintenanceRequested.HOLD_STANDBY, "HOLD_STANDBY", step.reason(), null);
            }
            return;
        }
        // the hold took: ha-service says so (its picture names this maintenance), a look of its under way when the hold
        // came has ended (two of its cycles), and the primary reports the standby asynchronous
        boolean held = s.haReason != null && s.haReason.contains(m.id.toString())
                && m.stepSince != null && !clock.instant().isBefore(m.stepSince.plus(HOLD_SETTLE))
                && primaryStopsWaiting(s);
        if (!held) {
            record(m.id, "HOLD_STANDBY", "waiting for the hold to take: ha-service's picture "
                    + (s.haReason != null && s.haReason.contains(m.id.toString()) ? "names it" : "does not name it yet")
                    + ", the primary " + (primaryStopsWaiting(s) ? "no longer waits" : "still waits") + " for the standby");
            if (m.stepSince != null && clock.instant().isAfter(m.stepSince.plus(HOLD_LIMIT))) {
                release(m, s, "released: the hold did not take");
                fail(m.id, "ha-service did not stop making commits wait for the standby within " + HOLD_LIMIT.toSeconds() + " s ("
                        + s.haReason + ")", null);
            }
            return;
        }
        pause();
        EngineChangeResult r;
        try {
            r = change(s.standbyAgent, s.standbyInstance, m);
        } catch (RuntimeException e) {
            release(m, s, "released after a failed patch");
            fail(m.id, "the agent refused or did not finish the standby's patch: " + agentError(e), null);
            return;
        }
        release(m, s, "standby " + s.standbyInstance + " " + r.reason() + "; waiting until it is synchronous again");
        if (r.outcome() == EngineChangeResult.Outcome.RolledBack) {
            fail(m.id, "the standby: " + r.reason(), null);
        }
    }

    /** Whether the primary no longer waits for the standby on commit (pg_stat_replication: not sync, or not connected). */
    private boolean primaryStopsWaiting(MaintainedServer s) {
        java.util.Optional<String> state = standbySyncState(s);
        return state != null && state.map(st -> !"sync".equals(st) && !"quorum".equals(st)).orElse(true);
    }

    /**
     * The standby's sync_state as its primary reports it (empty: not connected), or null when the primary's agent does
     * not answer.
     */
    private java.util.Optional<String> standbySyncState(MaintainedServer s) {
        try {
            var st = agents.quick(s.primaryAgent).replication(s.primaryInstance);
            String slot = io.pgflex.contracts.agent.HaPeer.slotName(s.standbyInstance);
            return st.standbys() == null ? java.util.Optional.empty()
                    : st.standbys().stream().filter(c -> slot.equals(c.name())).map(c -> c.syncState()).findFirst();
        } catch (RuntimeException e) {
            LOG.infof("server %s: the primary's agent does not say whether it waits for the standby (%s)", s.name, e.getMessage());
            return null;
        }
    }

    /**
     * A checkpoint on the primary while it still serves: the switchover's clean stop (while nothing takes writes) then
     * has little left to write. Best effort: without it the switchover only pauses writes longer.
     */
    private void checkpointBeforeSwitchover(MaintainedServer s) {
        try {
            long ms = agents.patient(s.primaryAgent).checkpoint(s.primaryInstance);
            LOG.infof("server %s: checkpoint on the primary before the switchover (%d ms)", s.name, ms);
        } catch (RuntimeException e) {
            LOG.infof("server %s: no checkpoint before the switchover (%s)", s.name, e.getMessage());
        }
    }

    /** The standby is waited for again: ReleaseStandby, remembering the HA generation it was released at. */
    private void release(Maintenance m, MaintainedServer s, String why) {
        request(m, HaMaintenanceRequested.RELEASE_STANDBY, "RELEASED", why, s.haGeneration);
    }

    /** Whether the primary reports its standby synchronous (pg_stat_replication's sync_state). */
    private boolean primaryWaitsFor(MaintainedServer s) {
        java.util.Optional<String> state = standbySyncState(s);
        return state != null && state.filter("sync"::equals).isPresent();
    }

    /** Asks ha-service for {@code action} (an event, in the transaction that records the step). */
    private void request(Maintenance m, String action, String stepName, String reason, Long releaseGeneration) {
        QuarkusTransaction.requiringNew().run(() -> {
            Maintenance row = Maintenance.findById(m.id, LockModeType.PESSIMISTIC_WRITE);
            outbox.publish(new HaMaintenanceRequested(row.serverId.toString(), row.subscriptionId, row.id.toString(),
                    HaMaintenanceRequested.VERSION, action, clock.instant()));
            row.step = stepName;
            row.stepReason = reason;
            row.stepSince = clock.instant();
            if (releaseGeneration != null) {
                row.releaseGeneration = releaseGeneration;
            }
            row.updatedAt = clock.instant();
            LOG.infof("maintenance %s: asked ha-service to %s (%s)", row.id, action, reason);
        });
    }

    private void patchInPlace(MaintainedServer s, Maintenance m, Rollout.Step step) {
        if (!start(m.id, step)) {
            return;
        }
        pause();
        EngineChangeResult r;
        try {
            r = change(s.primaryAgent, s.primaryInstance, m);
        } catch (RuntimeException e) {
            fail(m.id, "the agent refused or did not finish the patch: " + agentError(e), null);
            return;
        }
        switch (r.outcome()) {
            case Patched, AlreadyThere -> complete(m.id, r.version(), r.downtimeMillis());
            case RolledBack -> fail(m.id, r.reason(), r.downtimeMillis());
        }
    }

    private void pause() {
        if (!config.stepPause().isZero()) {
            try {
                Thread.sleep(config.stepPause().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private EngineChangeResult change(String agent, String instance, Maintenance m) {
        return agents.patient(agent).changeEngine(instance, new EngineChange(m.id.toString(), m.targetVersion));
    }

    private String version(String agent, String instance) {
        InstanceStatus st = agents.quick(agent).get(instance);
        return st.engineVersion();
    }

    /**
     * Marks the maintenance InProgress (MaintenanceStarted) unless a reschedule or the window's end came in between;
     * returns whether the step may run.
     */
    private boolean start(UUID id, Rollout.Step step) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Maintenance m = Maintenance.findById(id, LockModeType.PESSIMISTIC_WRITE);
            Instant now = clock.instant();
            if (!m.state.open()) {
                return false;
            }
            if (m.state == Maintenance.State.Scheduled && !m.applyNow
                    && (now.isBefore(m.scheduledStart) || !now.isBefore(m.scheduledEnd))) {
                return false; // rescheduled meanwhile, or its window ended
            }
            if (m.state == Maintenance.State.Scheduled) {
                m.state = Maintenance.State.InProgress;
                m.startedAt = clock.instant();
                outbox.publish(new MaintenanceStarted(m.serverId.toString(), m.subscriptionId, m.id.toString(),
                        MaintenanceStarted.VERSION, m.id.toString(), m.fromVersion, m.targetVersion, m.startedAt));
            }
            m.step = step.action().name();
            m.stepReason = step.reason();
            m.updatedAt = clock.instant();
            return true;
        });
    }

    /** Completed; {@code downtimeMillis} null keeps what the switchover reported (an HA server's write pause). */
    private void complete(UUID id, String version, Long downtimeMillis) {
        QuarkusTransaction.requiringNew().run(() -> {
            Maintenance m = Maintenance.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (!m.state.open()) {
                return; // canceled meanwhile (the server was deleted)
            }
            MaintainedServer s = MaintainedServer.findById(m.serverId, LockModeType.PESSIMISTIC_WRITE);
            m.state = Maintenance.State.Completed;
            m.endedAt = clock.instant();
            if (downtimeMillis != null) {
                m.downtimeMillis = downtimeMillis;
            }
            m.step = "DONE";
            m.stepReason = "every instance runs " + version;
            m.updatedAt = m.endedAt;
            if (s != null) {
                s.minorVersion = version;
                s.updatedAt = m.endedAt;
            }
            long downtime = m.downtimeMillis == null ? 0 : m.downtimeMillis;
            LOG.infof("maintenance %s: completed, %s -> %s, writes unavailable %d ms", m.id, m.fromVersion, version, downtime);
            outbox.publish(new MaintenanceCompleted(m.serverId.toString(), m.subscriptionId, m.id.toString(),
                    MaintenanceCompleted.VERSION, m.id.toString(), m.fromVersion, version, downtime, m.endedAt));
        });
    }

    /** Rolled back: Failed with the reason, and the same patch in the server's next window (notice again). */
    private void fail(UUID id, String reason, Long downtimeMillis) {
        QuarkusTransaction.requiringNew().run(() -> {
            Maintenance m = Maintenance.findById(id, LockModeType.PESSIMISTIC_WRITE);
            Instant now = clock.instant();
            if (!m.state.open()) {
                return; // canceled meanwhile (the server was deleted)
            }
            m.state = Maintenance.State.Failed;
            m.failure = reason;
            m.endedAt = now;
            m.downtimeMillis = downtimeMillis;
            m.step = "ROLL_BACK";
            m.stepReason = "the server serves on " + m.fromVersion + "; tried again in the next window";
            m.updatedAt = now;
            Maintenance.getEntityManager().flush(); // it is no longer open before its successor is
            Window window = window(m.serverId);
            Instant after = m.scheduledEnd.isAfter(now) ? m.scheduledEnd : now;
            Instant next = window.nextStart(after, config.zoneId());
            Maintenance retry = new Maintenance();
            retry.id = UUID.randomUUID();
            retry.serverId = m.serverId;
            retry.subscriptionId = m.subscriptionId;
            retry.fromVersion = m.fromVersion;
            retry.targetVersion = m.targetVersion;
            retry.state = Maintenance.State.Scheduled;
            retry.scheduledStart = next;
            retry.scheduledEnd = next.plus(Window.LENGTH);
            retry.firstStart = next;
            retry.publishedAt = m.publishedAt;
            retry.scheduleReason = "attempt " + (m.attempt + 1) + " after maintenance " + m.id + " failed (" + reason
                    + "): the server's next window";
            retry.attempt = m.attempt + 1;
            retry.createdAt = now;
            retry.updatedAt = now;
            retry.persist();
            LOG.warnf("maintenance %s: failed (%s); tried again from %s as %s", m.id, reason, next, retry.id);
            outbox.publish(new MaintenanceFailed(m.serverId.toString(), m.subscriptionId, m.id.toString(), MaintenanceFailed.VERSION,
                    m.id.toString(), m.fromVersion, m.targetVersion, reason, next, now));
            announce(retry);
        });
    }

    private void moveToNextWindow(UUID id, String why) {
        QuarkusTransaction.requiringNew().run(() -> {
            Maintenance m = Maintenance.findById(id, LockModeType.PESSIMISTIC_WRITE);
            Instant next = window(m.serverId).nextStart(clock.instant(), config.zoneId());
            m.state = Maintenance.State.Scheduled;
            m.scheduledStart = next;
            m.scheduledEnd = next.plus(Window.LENGTH);
            m.applyNow = false;
            m.step = null;
            m.stepReason = null;
            m.stepSince = null;
            m.releaseGeneration = null;
            m.failure = null;
            m.scheduleReason = why + ": moved to the next window";
            m.updatedAt = clock.instant();
            LOG.infof("maintenance %s: %s; now %s", m.id, why, next);
            announce(m);
        });
    }

    private void record(UUID id, String step, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            Maintenance m = Maintenance.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (!reason.equals(m.stepReason)) {
                m.step = step;
                m.stepReason = reason;
                m.updatedAt = clock.instant();
            }
        });
    }

    /** The server's window (system-managed when no row says otherwise). */
    public static Window window(UUID serverId) {
        MaintenanceWindow row = MaintenanceWindow.findById(serverId);
        return row == null ? Window.systemManaged(serverId) : row.window();
    }

    private static String agentError(RuntimeException e) {
        if (e instanceof WebApplicationException w && w.getResponse() != null) {
            try {
                String body = w.getResponse().readEntity(String.class);
                return w.getResponse().getStatus() + " " + body;
            } catch (RuntimeException ignored) {
                return String.valueOf(w.getResponse().getStatus());
            }
        }
        return String.valueOf(e.getMessage());
    }
}
