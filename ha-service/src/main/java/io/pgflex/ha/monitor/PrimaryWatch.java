package io.pgflex.ha.monitor;

import io.pgflex.contracts.agent.Probes;
import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.events.FailoverTriggered;
import io.pgflex.contracts.events.HaDegraded;
import io.pgflex.ha.Agents;
import io.pgflex.ha.HaConfig;
import io.pgflex.ha.failover.FailoverDecision;
import io.pgflex.ha.failover.FailoverDecision.Action;
import io.pgflex.ha.failover.HaPolicy;
import io.pgflex.ha.failover.HaSnapshot;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.ha.standby.StandbyDecision;
import io.pgflex.ha.steps.FailoverStep;
import io.pgflex.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches a Healthy server every cycle: renews the primary's lease, probes the primary (SQL over TLS
 * as the probe role), asks the standby's agent while the primary is silent, and lets
 * {@link FailoverDecision} decide; records the decision, the primary's availability, and starts a
 * failover when decided. Also watches the standby ({@link StandbyDecision#watch}).
 */
@ApplicationScoped
public class PrimaryWatch {
    private static final Logger LOG = Logger.getLogger(PrimaryWatch.class);
    /** An agent heard from within this is alive (it sends a heartbeat every second). */
    private static final Duration HEARTBEAT_FRESH = Duration.ofMillis(1500);

    private final HaConfig config;
    private final Agents agents;
    private final HaStore store;
    private final Observations seen;
    private final Heartbeats heartbeats;
    private final Outbox outbox;
    private final Clock clock;
    private final ExecutorService side = io.pgflex.ha.Daemons.pool("pgflex-ha-side");

    public PrimaryWatch(HaConfig config, Agents agents, HaStore store, Observations seen, Heartbeats heartbeats, Outbox outbox,
                        Clock clock) {
        this.config = config;
        this.agents = agents;
        this.store = store;
        this.seen = seen;
        this.heartbeats = heartbeats;
        this.outbox = outbox;
        this.clock = clock;
    }

    HaPolicy policy() {
        return new HaPolicy(config.detectionTimeout(), config.quietPeriod(), config.unavailableAfter());
    }

    /** How soon a server whose primary does not answer is looked at again: a failover decided within 100 ms of its time. */
    static final Duration IN_DOUBT = Duration.ofMillis(100);

    /**
     * One look at a Healthy server: when to look again (null: the usual interval; zero: a failover was
     * started, its first step at once; {@link #IN_DOUBT} while the primary does not answer).
     */
    Duration watch(HaServer s) {
        if (!s.running) {
            // stopped: nothing to probe, but the lease goes on, so that the primary, when started
            // again before its standby streams, does not take itself for isolated
            CompletableFuture.runAsync(() -> agents.quick(s.primaryAgent).replicate(s.primaryInstance,
                    StandbyBuilder.primarySpec(s, true)), side);
            seen.forgetProbes(s.serverId);
            if (s.unavailableReason != null) {
                store.update(s.serverId, r -> r.unavailableReason = null); // stopped on purpose: not an outage
            }
            return null;
        }
        // the lease of the primary and the standby's health, once an interval, without holding up the cycle
        CompletableFuture<ReplicationStatus> lease = seen.leaseDue(s.serverId, config.probeInterval())
                ? CompletableFuture.supplyAsync(() -> agents.quick(s.primaryAgent).replicate(s.primaryInstance,
                        StandbyBuilder.primarySpec(s, true)), side) : null;
        if (lease != null) {
            CompletableFuture.runAsync(() -> agents.quick(s.standbyAgent).replicate(s.standbyInstance,
                    StandbyBuilder.standbySpec(s)), side);
        }
        long now = System.nanoTime();
        if (probed(s)) {
            HaSnapshot answers = new HaSnapshot(true, 0, true, null, true, s.lastFailoverAt, clock.instant());
            decided(s, FailoverDecision.decide(answers, policy()), answers);
            seen.primaryAnswers(s.serverId);
            if (lease != null) {
                watchStandby(s, lease);
            }
            return null;
        }
        // unreachable since its last answer (a hung host's probes wait out their timeout)
        long since = seen.failingSince.computeIfAbsent(s.serverId, k -> seen.lastAnswer.getOrDefault(s.serverId, now));
        long downMillis = (System.nanoTime() - since) / 1_000_000;
        // the standby's agent must agree: from its side the primary is gone too. It is asked again and
        // again while the timeout runs (a new question as soon as an answer is a second old), so a
        // recent answer is at hand when the timeout has run out
        CompletableFuture<ReplicationStatus> asked = seen.agreement.compute(s.serverId, (k, f) ->
                f == null || f.isCompletedExceptionally() ? ask(s) : f);
        long askedAt = seen.askedAt.getOrDefault(s.serverId, 0L);
        if (asked.isDone() && System.nanoTime() - askedAt > 1_000_000_000L) {
            seen.agreement.put(s.serverId, ask(s)); // for the next cycle; this one decides on the answer at hand
        }
        HaSnapshot.StandbyView view = downMillis < config.detectionTimeout().toMillis() ? null : standbyView(s, asked, askedAt);
        HaSnapshot snapshot = new HaSnapshot(false, downMillis, heartbeats.alive(s.primaryAgent, HEARTBEAT_FRESH), view,
                s.haState == HaState.Healthy, s.lastFailoverAt, clock.instant());
        FailoverDecision.Decision d = FailoverDecision.decide(snapshot, policy());
        decided(s, d, snapshot);
        // the old primary's agent alive: the fence is waited for (it answers); its host unreachable: it is not
        FailoverStep first = snapshot.primaryAgentAlive() ? FailoverStep.Fence : FailoverStep.FenceUnreachable;
        if (d.action() == Action.FAIL_OVER && start(s, first, d.reason(), downMillis, null, r -> {
        }).isPresent()) {
            return Duration.ZERO;
        }
        return IN_DOUBT;
    }

    /**
     * What the probes say now (SQL over TLS as the probe role). A probe starts at most once a probe
     * interval, on a thread of its own, so a hung primary — whose probes wait out their timeout —
     * does not slow the cycle and the decision comes when its time is up. The primary answers when
     * the newest finished probe answered and no later one has overrun its timeout (before the first
     * probe has finished, it is taken as answering). Records when it last answered.
     */
    private boolean probed(HaServer s) {
        long now = System.nanoTime();
        Observations.Probe p = seen.probes.get(s.serverId);
        if (p != null && p.outcome().isDone()) {
            Probes.Outcome o = p.outcome().join();
            if (o == Probes.Outcome.REFUSES_LOGIN) {
                seen.problem(s.serverId, "the primary refuses the probe's login (is pgflex.ha.probe-secret the agents' secret,"
                        + " and ha-service's address in their pgflex.agent.platform-addresses?): PostgreSQL is up, no failover");
            }
            seen.probeFinished(s.serverId, p.startedAt(), o.alive());
        }
        if (p == null || p.outcome().isDone() && now - p.startedAt() >= config.probeInterval().toNanos()) {
            String password = Probes.password(config.probeSecret(), s.serverId.toString());
            p = new Observations.Probe(now, CompletableFuture.supplyAsync(() -> Probes.probe(s.primaryHost, s.primaryPort,
                    password, config.probeTimeout().toMillis()), side));
            seen.probes.put(s.serverId, p);
        }
        boolean overrun = !p.outcome().isDone() && now - p.startedAt() > config.probeTimeout().toNanos();
        Boolean answered = seen.lastVerdict.get(s.serverId);
        return !overrun && (answered == null || answered);
    }

    /**
     * The primary of a server whose standby cannot take over yet (not Healthy): probed for its
     * availability only, which is recorded with the decision's reason (a hold). Returns whether it answers.
     */
    boolean availability(HaServer s) {
        long now = System.nanoTime();
        boolean alive = probed(s);
        long down = 0;
        if (alive) {
            seen.primaryAnswers(s.serverId);
        } else {
            long since = seen.failingSince.computeIfAbsent(s.serverId, k -> seen.lastAnswer.getOrDefault(s.serverId, now));
            down = (System.nanoTime() - since) / 1_000_000;
        }
        HaSnapshot snapshot = new HaSnapshot(alive, down, heartbeats.alive(s.primaryAgent, HEARTBEAT_FRESH), null, false,
                s.lastFailoverAt, clock.instant());
        decided(s, FailoverDecision.decide(snapshot, policy()), snapshot);
        return alive;
    }

    /** Records (and logs, when it changed) the decision, and the primary's availability it implies. */
    private void decided(HaServer s, FailoverDecision.Decision d, HaSnapshot snapshot) {
        Observations.Decided before = seen.decided(s.serverId, d, clock.instant());
        boolean changed = before == null || before.decision().action() != d.action();
        if (d.action() == Action.WAIT) {
            LOG.infof("server %s: %s", s.name, d.reason());
        } else if (d.action() == Action.HOLD) {
            seen.problem(s.serverId, d.reason());
        } else if (changed && d.action() == Action.NONE && before != null) {
            LOG.infof("server %s: %s again", s.name, d.reason());
        }
        boolean unavailable = FailoverDecision.unavailable(snapshot, policy());
        if (unavailable && (s.unavailableReason == null || changed)) {
            String reason = "the primary does not answer: " + d.reason();
            store.update(s.serverId, r -> r.unavailableReason = reason);
        } else if (!unavailable && d.action() == Action.NONE && s.unavailableReason != null) {
            store.update(s.serverId, r -> r.unavailableReason = null);
        }
    }

    /**
     * Starts a failover (Fence) or switchover (SwitchFence): recorded with its reason and announced
     * (routers stop routing to the old primary at once); the steps run from the next cycle on.
     */
    Optional<HaServer> start(HaServer s, FailoverStep first, String reason, long detectedMillis, String operationId,
                             java.util.function.Consumer<HaServer> also) {
        boolean planned = first == FailoverStep.SwitchFence;
        if (planned) {
            LOG.infof("server %s: planned failover (switchover) to standby %s: %s", s.name, s.standbyInstance, reason);
        } else {
            LOG.warnf("server %s: FAILOVER from %s to %s: %s", s.name, s.primaryInstance, s.standbyInstance, reason);
        }
        Optional<HaServer> after = store.update(s.serverId, r -> {
            also.accept(r);
            r.step = first.name();
            r.stepOperation = operationId;
            r.stepReason = reason;
            r.stepStartedAt = clock.instant();
            r.stepDetectedMs = detectedMillis;
            r.stepLsn = null;
            r.haState = HaState.FailingOver;
            if (!planned) {
                r.unavailableReason = "failing over: " + reason;
            }
            outbox.publish(new FailoverTriggered(r.serverId.toString(), r.subscriptionId, operationId,
                    FailoverTriggered.VERSION, reason, r.primaryInstance, r.standbyInstance, detectedMillis, planned,
                    clock.instant()));
        });
        seen.forgetProbes(s.serverId);
        return after;
    }

    /** The standby agent's view of the primary, waited for up to 2 s; null when it is too old to decide on. */
    private HaSnapshot.StandbyView standbyView(HaServer s, CompletableFuture<ReplicationStatus> asked, long askedAt) {
        ReplicationStatus standby;
        try {
            standby = asked.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            seen.agreement.remove(s.serverId);
            return HaSnapshot.StandbyView.noAnswer(e.getMessage());
        }
        if (System.nanoTime() - askedAt > 2_000_000_000L) {
            return null; // too old to decide on: the next cycle has a newer answer
        }
        return HaSnapshot.StandbyView.answer(standby.upstreamReachable(), standby.running(), standby.fenced(),
                standby.inRecovery());
    }

    private CompletableFuture<ReplicationStatus> ask(HaServer s) {
        seen.askedAt.put(s.serverId, System.nanoTime());
        return CompletableFuture.supplyAsync(() -> agents.quick(s.standbyAgent).replication(s.standbyInstance), side);
    }

    /** A standby that stopped streaming: the primary stops waiting for it once it has been gone for the loss timeout. */
    private void watchStandby(HaServer s, CompletableFuture<ReplicationStatus> lease) {
        ReplicationStatus primary = null;
        try {
            primary = lease.get(1500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the primary's agent is slow or away: nothing to judge the standby by
        }
        Optional<ReplicationStatus.StandbyConnection> c = primary == null ? Optional.empty()
                : StandbyBuilder.connection(primary, s.standbyInstance);
        if (primary != null) {
            c.ifPresentOrElse(x -> seen.standbySeen.put(s.serverId, x), () -> seen.standbySeen.remove(s.serverId));
        }
        boolean streaming = c.map(x -> "streaming".equals(x.state())).orElse(false);
        long lost = 0;
        if (primary != null && !streaming) {
            lost = (System.nanoTime() - seen.standbyLostSince.computeIfAbsent(s.serverId, k -> System.nanoTime())) / 1_000_000;
        } else if (streaming) {
            seen.standbyLostSince.remove(s.serverId);
        }
        StandbyDecision.Decision d = StandbyDecision.watch(primary != null, streaming, lost, config.standbyLossTimeout());
        if (d.action() != StandbyDecision.Action.DEGRADE) {
            return;
        }
        LOG.warnf("server %s: standby %s: %s (HaDegraded)", s.name, s.standbyInstance, d.reason());
        // recorded first: from the moment the primary commits alone, the server must not count as Healthy
        seen.syncMark.remove(s.serverId);
        store.update(s.serverId, r -> {
            r.haState = HaState.ReplicatingData;
            r.degradedReason = "the standby stopped replicating; the primary commits without it until it is back";
            outbox.publish(new HaDegraded(r.serverId.toString(), r.subscriptionId, null, HaDegraded.VERSION, r.degradedReason,
                    clock.instant()));
        });
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, StandbyBuilder.primarySpec(s, false));
        seen.standbyLostSince.remove(s.serverId);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        side.shutdownNow();
    }
}
