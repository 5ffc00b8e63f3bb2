package io.pgflex.ha.steps;

import io.pgflex.contracts.agent.FenceRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.ReplicationSpec;
import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.events.FailoverCompleted;
import io.pgflex.contracts.events.HaDegraded;
import io.pgflex.contracts.events.SwitchoverCompleted;
import io.pgflex.ha.Agents;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.ha.standby.StandbyDecision;
import io.pgflex.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Runs one recorded step of a failover or switchover ({@link FailoverStep}) against the node agents
 * and says what comes next ({@link StepResult}); it writes nothing itself. Every step may run again
 * (after a crash of ha-service, or an agent that did not answer): each agent call is idempotent.
 */
@ApplicationScoped
public class FailoverSteps {
    private static final Logger LOG = Logger.getLogger(FailoverSteps.class);
    /** How long a planned failover waits for the standby to receive the old primary's last WAL before taking the unplanned path. */
    static final Duration SWITCH_CATCH_UP = Duration.ofSeconds(30);
    static final Duration SWITCH_POLL = Duration.ofMillis(50);
    /** How long a switchover tries to stop the old primary cleanly before it fails over instead. */
    static final Duration SWITCH_FENCE_GIVE_UP = Duration.ofSeconds(10);
    /** When each server's step that waits (SwitchFence, SwitchPromote) first ran, in memory: its own deadline. */
    private final java.util.Map<String, Instant> stepSince = new java.util.concurrent.ConcurrentHashMap<>();

    private final Agents agents;
    private final Outbox outbox;
    private final Clock clock;
    private final ExecutorService fences = io.pgflex.ha.Daemons.pool("pgflex-ha-fence");

    public FailoverSteps(Agents agents, Outbox outbox, Clock clock) {
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
    }

    public StepResult run(HaServer s, FailoverStep step) {
        return switch (step) {
            case Fence -> fence(s, true);
            case FenceUnreachable -> fence(s, false);
            case Promote -> promote(s);
            case SwitchFence -> switchFence(s);
            case SwitchPromote -> switchPromote(s);
            case SwitchRejoin -> switchRejoin(s);
        };
    }

    /**
     * The old primary's agent is told to stop it. When its host is unreachable the promotion does not
     * wait for an answer that will not come: nothing acknowledged is at stake, as a synchronous primary
     * acknowledges no commit once its standby is promoted (it no longer streams from it), routers
     * dropped it at FailoverTriggered, and an isolated primary fences itself. When its agent is alive
     * (PostgreSQL down on a live host, or a forced failover) the promotion waits for the fence, up to
     * the urgent client's 0.7 s: a commit whose wait for the standby was cancelled is reported as done,
     * so the old primary must stop before the new one takes writes.
     */
    private StepResult fence(HaServer s, boolean await) {
        String agent = s.primaryAgent, instance = s.primaryInstance, operation = s.stepOperation, name = s.name;
        CompletableFuture<Void> fenced = CompletableFuture.runAsync(() -> {
            try {
                agents.urgent(agent).fence(instance, new FenceRequest(operation, "immediate"));
                LOG.infof("server %s: old primary %s fenced (stopped -m immediate)", name, instance);
            } catch (RuntimeException e) {
                LOG.warnf("server %s: old primary's agent %s does not answer (%s): the instance fences itself when"
                        + " isolated and is never started as a primary again", name, agent, e.getMessage());
            }
        }, fences);
        if (await) {
            fenced.join(); // the urgent client gives up within 0.7 s
        }
        return StepResult.next(FailoverStep.Promote, "fence of " + instance + (await ? " done" : " sent"), r -> {
        });
    }

    /** Promotes the standby; the old primary becomes the standby to rebuild (its data is not trusted). */
    private StepResult promote(HaServer s) {
        ReplicationStatus promoted = agents.slow(s.standbyAgent).promote(s.standbyInstance);
        LOG.warnf("server %s: failover done: %s is the primary (LSN %s); rebuilding a standby", s.name, s.standbyInstance,
                promoted.lsn());
        return StepResult.done("promoted " + s.standbyInstance, r -> {
            r.swap();
            r.term++;
            r.standbyReclone = true;
            r.haState = HaState.CreatingStandby;
            r.unavailableReason = null;
            r.degradedReason = "failed over; the new primary takes writes without a synchronous standby until a new one"
                    + " is built";
            r.lastFailoverAt = clock.instant();
            long rto = (r.stepDetectedMs == null ? 0 : r.stepDetectedMs)
                    + Duration.between(r.stepStartedAt, clock.instant()).toMillis();
            outbox.publish(new FailoverCompleted(r.serverId.toString(), r.subscriptionId, r.stepOperation,
                    FailoverCompleted.VERSION, r.primaryInstance, rto, null, promoted.lsn(), clock.instant()));
            outbox.publish(new HaDegraded(r.serverId.toString(), r.subscriptionId, r.stepOperation, HaDegraded.VERSION,
                    r.degradedReason, clock.instant()));
            r.stepOperation = null;
        });
    }

    /**
     * Planned: the old primary shuts down cleanly; its last LSN is what the standby must have. When its
     * agent does not answer for {@link #SWITCH_FENCE_GIVE_UP}, the switchover goes the unplanned way
     * (fence without waiting, promote): the routers stopped routing to the old primary already.
     */
    private StepResult switchFence(HaServer s) {
        ReplicationStatus old;
        try {
            old = agents.slow(s.primaryAgent).fence(s.primaryInstance, new FenceRequest(s.stepOperation, "fast"));
        } catch (RuntimeException e) {
            Instant since = stepSince.computeIfAbsent(s.serverId + "/" + FailoverStep.SwitchFence, k -> clock.instant());
            if (clock.instant().isAfter(since.plus(SWITCH_FENCE_GIVE_UP))) {
                LOG.warnf("server %s: the old primary's agent has not answered the clean stop for %s (%s): failing over",
                        s.name, SWITCH_FENCE_GIVE_UP, e.getMessage());
                stepSince.remove(s.serverId + "/" + FailoverStep.SwitchFence);
                return StepResult.next(FailoverStep.FenceUnreachable, "the old primary's agent does not answer", r -> {
                });
            }
            throw e;
        }
        stepSince.remove(s.serverId + "/" + FailoverStep.SwitchFence);
        LOG.infof("server %s: old primary %s shut down cleanly at %s", s.name, s.primaryInstance, old.lsn());
        return StepResult.next(FailoverStep.SwitchPromote, "old primary stopped at " + old.lsn(), r -> r.stepLsn = old.lsn());
    }

    /** Planned: once the standby has everything the old primary wrote, promote it and swap roles. */
    private StepResult switchPromote(HaServer s) {
        ReplicationStatus st = agents.quick(s.standbyAgent).replication(s.standbyInstance);
        boolean promotedAlready = Boolean.FALSE.equals(st.inRecovery()); // ha-service stopped after the promotion
        boolean caughtUp = st.lsn() != null && st.receiveLsn() != null && st.lsn().equals(st.receiveLsn())
                && (s.stepLsn == null || StandbyDecision.lsn(st.receiveLsn()) > StandbyDecision.lsn(s.stepLsn));
        if (!promotedAlready && !caughtUp) {
            Instant since = stepSince.computeIfAbsent(s.serverId + "/" + FailoverStep.SwitchPromote, k -> clock.instant());
            if (clock.instant().isAfter(since.plus(SWITCH_CATCH_UP))) {
                // every acknowledged commit is on the synchronous standby anyway: take the unplanned path
                // (promote it, rebuild the old primary) rather than leave the server without a primary
                LOG.warnf("server %s: the standby did not receive the old primary's last WAL (%s) within %s (received %s,"
                        + " replayed %s): promoting it as in an unplanned failover", s.name, s.stepLsn, SWITCH_CATCH_UP,
                        st.receiveLsn(), st.lsn());
                stepSince.remove(s.serverId + "/" + FailoverStep.SwitchPromote);
                return StepResult.next(FailoverStep.Promote, "the standby did not catch up in time", r -> {
                });
            }
            return StepResult.retryAfter(FailoverStep.SwitchPromote, SWITCH_POLL, "the standby has received " + st.receiveLsn()
                    + ", replayed " + st.lsn() + ", of " + s.stepLsn);
        }
        stepSince.remove(s.serverId + "/" + FailoverStep.SwitchPromote);
        ReplicationStatus promoted = promotedAlready ? st : agents.slow(s.standbyAgent).promote(s.standbyInstance);
        LOG.infof("server %s: %s promoted at %s (planned)", s.name, s.standbyInstance, promoted.lsn());
        return StepResult.next(FailoverStep.SwitchRejoin, "promoted " + s.standbyInstance, r -> {
            r.stepPromotedAt = clock.instant();
            r.swap();
            r.term++;
        });
    }

    /** Planned: the old primary follows the new one as its standby; if it cannot, it is cloned again. */
    private StepResult switchRejoin(HaServer s) {
        // the new primary keeps a slot for its standby before the standby connects to it
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, new ReplicationSpec(null, s.term, "Primary", null,
                List.of(new HaPeer(s.standbyInstance, s.standbyHost, s.standbyPort == null ? 0 : s.standbyPort)), false));
        try {
            agents.slow(s.standbyAgent).rejoin(s.standbyInstance, new HaPeer(s.primaryInstance, s.primaryHost, s.primaryPort));
            return StepResult.done("rejoined", r -> {
                r.haState = HaState.ReplicatingData;
                r.degradedReason = "the former primary is catching up as the standby";
            });
        } catch (RuntimeException e) {
            LOG.warnf("server %s: former primary %s did not rejoin (%s): cloning it again", s.name, s.standbyInstance,
                    e.getMessage());
            return StepResult.done("cloned again", r -> {
                r.standbyReclone = true;
                r.haState = HaState.CreatingStandby;
                r.degradedReason = "the standby is being rebuilt";
            });
        }
    }

    /** The switchover's end: the operation completes once the old primary is the synchronous standby again. */
    public void switchoverCompleted(HaServer r, String operationId) {
        outbox.publish(new SwitchoverCompleted(r.serverId.toString(), r.subscriptionId, operationId,
                SwitchoverCompleted.VERSION, r.primaryInstance, r.standbyInstance,
                r.stepStartedAt == null ? 0 : Duration.between(r.stepStartedAt, clock.instant()).toMillis(), clock.instant(),
                r.stepStartedAt == null || r.stepPromotedAt == null || r.stepPromotedAt.isBefore(r.stepStartedAt) ? null
                        : Duration.between(r.stepStartedAt, r.stepPromotedAt).toMillis()));
    }

    /** Forgets the waits of a server's steps (it is gone, or no longer led here). */
    public void forget(java.util.UUID serverId) {
        stepSince.keySet().removeIf(k -> k.startsWith(serverId + "/"));
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        fences.shutdownNow();
    }
}
