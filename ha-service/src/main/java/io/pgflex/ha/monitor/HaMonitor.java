package io.pgflex.ha.monitor;

import io.pgflex.contracts.agent.CloneRequest;
import io.pgflex.contracts.agent.FenceRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.Probes;
import io.pgflex.contracts.agent.ReplicationSpec;
import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.events.FailoverCompleted;
import io.pgflex.contracts.events.FailoverTriggered;
import io.pgflex.contracts.events.HaDegraded;
import io.pgflex.contracts.events.HaStateChanged;
import io.pgflex.contracts.events.StandbyReady;
import io.pgflex.contracts.events.SwitchoverCompleted;
import io.pgflex.ha.Agents;
import io.pgflex.ha.HaConfig;
import io.pgflex.ha.failover.FailoverDecision;
import io.pgflex.ha.failover.HaPolicy;
import io.pgflex.ha.failover.HaSnapshot;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The HA state machine of every server, run every probe interval. Each server's cycle looks at its
 * persisted state and takes the next step: build the standby, wait for it to catch up and make it
 * synchronous, watch the primary, fail over, switch over, rebuild, remove. Every step is idempotent
 * and recorded before the next, so an ha-service killed at any point goes on where it stopped.
 *
 * <p>Failure detection: the primary is probed directly (SQL over TLS as the probe role). Only when
 * it has not answered for the detection timeout <em>and</em> the standby's agent cannot reach it
 * either does a failover start — ha-service cut off from the primary alone never fails over. A
 * crashed PostgreSQL on a live host is restarted by its agent within about a second, inside the
 * timeout.
 */
@ApplicationScoped
public class HaMonitor {
    private static final Logger LOG = Logger.getLogger(HaMonitor.class);

    private final HaConfig config;
    private final Agents agents;
    private final Outbox outbox;
    private final Clock clock;
    private final Heartbeats heartbeats;
    /** At most one cycle per server runs at a time (busy): a long step never holds up another server's probes. */
    private final ExecutorService pool = Executors.newCachedThreadPool(daemon("pgflex-ha"));
    private final ExecutorService side = Executors.newCachedThreadPool(daemon("pgflex-ha-side"));
    private final Set<UUID> busy = ConcurrentHashMap.newKeySet();
    /** When each server's primary last answered a probe (nanoTime at the probe's start). */
    private final Map<UUID, Long> lastAnswer = new ConcurrentHashMap<>();
    /** Since when each server's primary has not answered (the last answer, or the first failed probe). */
    private final Map<UUID, Long> failingSince = new ConcurrentHashMap<>();
    /** Since when each server's standby has not been streaming (nanoTime). */
    private final Map<UUID, Long> standbyLostSince = new ConcurrentHashMap<>();
    private final Map<UUID, String> lastProblem = new ConcurrentHashMap<>();
    /** Each server's standby as its primary last reported it (pg_stat_replication): failover readiness. */
    private final Map<UUID, ReplicationStatus.StandbyConnection> standbySeen = new ConcurrentHashMap<>();
    /** The standby agent's view of the primary, asked for while the primary does not answer. */
    private final Map<UUID, CompletableFuture<ReplicationStatus>> agreement = new ConcurrentHashMap<>();
    private final Map<UUID, Long> askedAt = new ConcurrentHashMap<>();
    /** The primary's LSN when it was made to wait for its standby: Healthy once the standby replayed past it. */
    private final Map<UUID, Long> syncFrom = new ConcurrentHashMap<>();
    /** Each server's last failover decision (FailoverDecision) with its reason, for the HA status resource. */
    private final Map<UUID, Decided> lastDecision = new ConcurrentHashMap<>();
    private volatile Thread loop;

    private final Leadership leader;

    public HaMonitor(HaConfig config, Agents agents, Outbox outbox, Clock clock, Heartbeats heartbeats, Leadership leader) {
        this.leader = leader;
        this.config = config;
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
        this.heartbeats = heartbeats;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    void start(@Observes StartupEvent event) {
        loop = new Thread(this::run, "pgflex-ha-monitor");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = loop;
        loop = null;
        if (t != null) {
            t.interrupt();
        }
        pool.shutdownNow();
        side.shutdownNow();
    }

    private void run() {
        long interval = config.probeInterval().toNanos();
        while (loop != null) {
            long next = System.nanoTime() + interval;
            try {
                if (!leader.lead()) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                    continue;
                }
                List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> HaServer.<HaServer>list(
                        "haMode <> 'Disabled' or haState <> ?1", HaState.NotEnabled).stream().map(s -> s.serverId).toList());
                for (UUID id : ids) {
                    if (busy.add(id)) {
                        pool.submit(() -> {
                            try {
                                cycle(id);
                            } catch (RuntimeException e) {
                                problem(id, e.getMessage() == null ? e.toString() : e.getMessage());
                            } finally {
                                busy.remove(id);
                            }
                        });
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("HA servers not looked at: %s", e.getMessage());
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Logs a problem of a server once (again only when it changes). */
    private void problem(UUID id, String message) {
        if (!Objects.equals(lastProblem.put(id, message), message)) {
            LOG.warnf("server %s: %s", id, message);
        }
    }

    private static HaServer load(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> HaServer.<HaServer>findById(id));
    }

    /**
     * Changes the server's row under its lock and announces the new HA picture (HaStateChanged)
     * when state, members or degradation changed, with the events {@code then} adds, in one
     * transaction. Returns the row as written, or empty when the server is gone.
     */
    private Optional<HaServer> update(UUID id, Consumer<HaServer> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            HaServer s = HaServer.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (s == null) {
                return Optional.empty();
            }
            String before = picture(s);
            change.accept(s);
            s.updatedAt = clock.instant();
            if (!before.equals(picture(s))) {
                s.generation++;
                outbox.publish(new HaStateChanged(s.serverId.toString(), s.subscriptionId, s.stepOperation,
                        HaStateChanged.VERSION, s.generation, s.haState.name(), s.primary(), s.standby(), s.degradedReason,
                        clock.instant()));
                LOG.infof("server %s (%s): HA %s, primary %s, standby %s%s", s.name, s.serverId, s.haState,
                        s.primaryInstance, s.standbyInstance, s.degradedReason == null ? "" : " — " + s.degradedReason);
            }
            return Optional.of(s);
        });
    }

    private static String picture(HaServer s) {
        return s.haState + "|" + s.primary() + "|" + s.standby() + "|" + s.degradedReason;
    }

    void cycle(UUID id) {
        HaServer s = load(id);
        if (s == null || s.primaryInstance == null) {
            lastDecision.remove(id);
            return;
        }
        boolean wanted = !"Disabled".equals(s.haMode);
        if (s.step != null) {
            continueStep(s);
            return;
        }
        if (!wanted && s.haState != HaState.NotEnabled && s.haState != HaState.RemovingStandby) {
            update(id, r -> r.haState = HaState.RemovingStandby);
            return;
        }
        switch (s.haState) {
            case NotEnabled -> {
                if (wanted) {
                    placeStandby(s);
                }
            }
            case CreatingStandby -> createStandby(s);
            case ReplicatingData -> replicating(s);
            case Healthy -> healthy(s);
            case RemovingStandby -> removeStandby(s);
            case FailingOver -> update(id, r -> r.haState = r.standbyInstance == null ? HaState.CreatingStandby
                    : HaState.ReplicatingData); // a failover without a step: ended before its state was written
            default -> {
            }
        }
        lastProblem.remove(id);
    }

    // ------------------------------------------------------------------ building the standby

    /** Picks the standby's agent: another zone (ZoneRedundant) or the primary's zone (SameZone), fewest instances first. */
    private void placeStandby(HaServer s) {
        Optional<String> agent = standbyAgent(s);
        if (agent.isEmpty()) {
            problem(s.serverId, "no node agent " + ("ZoneRedundant".equals(s.haMode) ? "outside zone " : "in zone ")
                    + s.primaryZone + " for the standby");
            return;
        }
        String instance = s.standbyInstance != null ? s.standbyInstance
                : UUID.nameUUIDFromBytes((s.serverId + "/standby").getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        update(s.serverId, r -> {
            r.standbyAgent = agent.get();
            r.standbyInstance = instance.equals(r.primaryInstance) ? UUID.randomUUID().toString() : instance;
            r.standbyZone = agents.zone(agent.get());
            r.haState = HaState.CreatingStandby;
            r.degradedReason = "the standby is being created";
        });
    }

    Optional<String> standbyAgent(HaServer s) {
        boolean otherZone = "ZoneRedundant".equals(s.haMode);
        return agents.ids().stream()
                .filter(a -> otherZone != agents.zone(a).equals(s.primaryZone))
                .min(java.util.Comparator.comparing((String a) -> a.equals(s.primaryAgent) ? 1 : 0)
                        .thenComparingLong(a -> QuarkusTransaction.requiringNew().call(() ->
                                HaServer.count("primaryAgent = ?1 or standbyAgent = ?1", a)))
                        .thenComparing(a -> a));
    }

    private ReplicationSpec primarySpec(HaServer s, boolean synchronous) {
        List<HaPeer> standbys = s.standbyInstance == null || s.standbyPort == null && s.haState != HaState.CreatingStandby
                ? List.of() : List.of(new HaPeer(s.standbyInstance, s.standbyHost, s.standbyPort == null ? 0 : s.standbyPort));
        return new ReplicationSpec(null, s.term, "Primary", null, standbys, synchronous);
    }

    private ReplicationSpec standbySpec(HaServer s) {
        return new ReplicationSpec(null, s.term, "Standby", new HaPeer(s.primaryInstance, s.primaryHost, s.primaryPort),
                List.of(), false);
    }

    private void createStandby(HaServer s) {
        syncFrom.remove(s.serverId);
        // the primary keeps a slot for the standby and takes writes without waiting for it meanwhile
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
        if (s.standbyReclone) {
            LOG.infof("server %s: removing the old instance %s on %s before cloning a new standby there", s.name,
                    s.standbyInstance, s.standbyAgent);
            agents.slow(s.standbyAgent).delete(s.standbyInstance);
            update(s.serverId, r -> r.standbyReclone = false);
        }
        LOG.infof("server %s: cloning standby %s on agent %s from primary %s", s.name, s.standbyInstance, s.standbyAgent,
                s.primaryInstance);
        agents.slow(s.standbyAgent).cloneFrom(s.standbyInstance, new CloneRequest(null, agents.url(s.primaryAgent),
                s.primaryInstance, new HaPeer(s.primaryInstance, s.primaryHost, s.primaryPort)));
        InstanceStatus standby = agents.quick(s.standbyAgent).get(s.standbyInstance);
        update(s.serverId, r -> {
            r.standbyHost = standby.host();
            r.standbyPort = standby.port();
            r.haState = HaState.ReplicatingData;
            r.degradedReason = "the standby is catching up";
        });
    }

    /** Waits for the standby to stream and catch up, then makes it synchronous: Healthy. */
    private void replicating(HaServer s) {
        // once synchronous, stay so while waiting for the standby to confirm: turning it off and on
        // every probe would leave pg_stat_replication saying "async" forever on an idle server
        boolean syncing = syncFrom.containsKey(s.serverId);
        ReplicationStatus primary = agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, syncing));
        try {
            agents.quick(s.standbyAgent).replicate(s.standbyInstance, standbySpec(s));
        } catch (RuntimeException e) {
            if (syncing) { // the standby's agent does not answer: writes must not wait for the standby meanwhile
                syncFrom.remove(s.serverId);
                agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
            }
            if (notFound(e)) {
                LOG.warnf("server %s: standby instance %s is gone from %s: cloning it again", s.name, s.standbyInstance,
                        s.standbyAgent);
                update(s.serverId, r -> r.haState = HaState.CreatingStandby);
                return;
            }
            throw e;
        }
        Optional<ReplicationStatus.StandbyConnection> c = connection(primary, s.standbyInstance);
        c.ifPresentOrElse(x -> standbySeen.put(s.serverId, x), () -> standbySeen.remove(s.serverId));
        if (c.isEmpty() || !"streaming".equals(c.get().state()) || c.get().lagBytes() > config.readyLagBytes()) {
            if (syncing) { // it fell behind or away again: writes must not wait for it meanwhile
                syncFrom.remove(s.serverId);
                agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
            }
            problem(s.serverId, "standby " + s.standbyInstance + " not caught up yet: "
                    + c.map(x -> x.state() + ", " + x.lagBytes() + " bytes behind").orElse("not connected"));
            return;
        }
        // synchronous from now on; Healthy once the standby is confirmed synchronous and has replayed
        // everything the primary wrote before (commits acknowledged without waiting for it)
        ReplicationStatus sync = syncing ? primary
                : agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, true));
        Long from = syncFrom.computeIfAbsent(s.serverId, k -> sync.lsn() == null ? null : lsn(sync.lsn()));
        Optional<ReplicationStatus.StandbyConnection> now = connection(sync, s.standbyInstance);
        if (from == null || now.isEmpty() || !"sync".equals(now.get().syncState()) || now.get().replayLsn() == null
                || lsn(now.get().replayLsn()) < from) {
            problem(s.serverId, "standby " + s.standbyInstance + " synchronous, catching up to " + sync.lsn());
            return;
        }
        syncFrom.remove(s.serverId);
        String completes = s.pendingMode == null ? s.pendingOperation : null;
        update(s.serverId, r -> {
            r.haState = HaState.Healthy;
            r.degradedReason = null;
            if (completes != null) {
                r.pendingOperation = null;
            }
            outbox.publish(new StandbyReady(r.serverId.toString(), r.subscriptionId, completes, StandbyReady.VERSION,
                    r.standbyInstance, r.standbyZone, clock.instant()));
            if (completes != null) {
                outbox.publish(new SwitchoverCompleted(r.serverId.toString(), r.subscriptionId, completes,
                        SwitchoverCompleted.VERSION, r.primaryInstance, r.standbyInstance,
                        r.stepStartedAt == null ? 0 : Duration.between(r.stepStartedAt, clock.instant()).toMillis(),
                        clock.instant()));
            }
        });
        standbyLostSince.remove(s.serverId);
        LOG.infof("server %s: standby %s is synchronous: Healthy", s.name, s.standbyInstance);
    }

    private static Optional<ReplicationStatus.StandbyConnection> connection(ReplicationStatus primary, String standbyInstance) {
        String name = HaPeer.slotName(standbyInstance);
        return primary.standbys() == null ? Optional.empty()
                : primary.standbys().stream().filter(c -> name.equals(c.name())).findFirst();
    }

    private void removeStandby(HaServer s) {
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, new ReplicationSpec(null, s.term, "Primary", null, List.of(),
                false));
        if (s.standbyInstance != null) {
            LOG.infof("server %s: HA off: removing standby %s on %s", s.name, s.standbyInstance, s.standbyAgent);
            agents.slow(s.standbyAgent).delete(s.standbyInstance);
        }
        update(s.serverId, r -> {
            r.clearStandby();
            r.haState = HaState.NotEnabled;
            r.degradedReason = null;
        });
    }

    // ------------------------------------------------------------------ watching

    private void healthy(HaServer s) {
        if (!s.running) {
            // stopped: nothing to probe, but the lease goes on, so that the primary, when started
            // again before its standby streams, does not take itself for isolated
            CompletableFuture.runAsync(() -> agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, true)),
                    side);
            failingSince.remove(s.serverId);
            lastAnswer.remove(s.serverId);
            return;
        }
        if (s.pendingMode != null) {
            startRequested(s);
            return;
        }
        // the lease of the primary and the standby's health, without holding up the probe
        CompletableFuture<ReplicationStatus> lease = CompletableFuture.supplyAsync(() ->
                agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, true)), side);
        CompletableFuture.runAsync(() -> agents.quick(s.standbyAgent).replicate(s.standbyInstance, standbySpec(s)), side);
        long probeStart = System.nanoTime();
        Probes.Outcome probe = Probes.probe(s.primaryHost, s.primaryPort, Probes.password(config.probeSecret(),
                s.serverId.toString()), config.probeTimeout().toMillis());
        if (probe == Probes.Outcome.REFUSES_LOGIN) {
            problem(s.serverId, "the primary refuses the probe's login (is pgflex.ha.probe-secret the agents' secret, and"
                    + " ha-service's address in their pgflex.agent.platform-addresses?): PostgreSQL is up, no failover");
        }
        if (probe.alive()) {
            decided(s, new FailoverDecision.Decision(FailoverDecision.Action.NONE, "the primary answers"));
            lastAnswer.put(s.serverId, probeStart);
            failingSince.remove(s.serverId);
            agreement.remove(s.serverId);
            watchStandby(s, lease);
            return;
        }
        // unreachable since its last answer (a hung host makes each probe wait out its timeout)
        long since = failingSince.computeIfAbsent(s.serverId, k -> lastAnswer.getOrDefault(s.serverId, probeStart));
        long downMillis = (System.nanoTime() - since) / 1_000_000;
        // the standby's agent must agree: from its side the primary is gone too (asked while the
        // timeout runs, so its answer is at hand when it has run out)
        CompletableFuture<ReplicationStatus> asked = agreement.compute(s.serverId, (k, f) -> {
            boolean stale = f == null || f.isCompletedExceptionally()
                    || f.isDone() && System.nanoTime() - askedAt.getOrDefault(k, 0L) > 1_000_000_000L;
            return stale ? ask(s) : f;
        });
        HaSnapshot.StandbyView view = downMillis < config.detectionTimeout().toMillis() ? null : standbyView(s, asked);
        FailoverDecision.Decision d = FailoverDecision.decide(new HaSnapshot(false, downMillis,
                heartbeats.alive(s.primaryAgent, Duration.ofSeconds(3)), view, s.haState == HaState.Healthy, s.lastFailoverAt,
                clock.instant()), policy());
        decided(s, d);
        if (d.action() == FailoverDecision.Action.FAIL_OVER) {
            failover(s, d.reason(), downMillis, null);
        }
    }

    private HaPolicy policy() {
        return new HaPolicy(config.detectionTimeout(), config.quietPeriod());
    }

    /** Records (and logs, when it changed) the server's last decision with its reason. */
    private void decided(HaServer s, FailoverDecision.Decision d) {
        Decided before = lastDecision.put(s.serverId, new Decided(d, clock.instant()));
        if (d.action() == FailoverDecision.Action.WAIT) {
            LOG.infof("server %s: %s", s.name, d.reason());
        } else if (d.action() == FailoverDecision.Action.HOLD) {
            problem(s.serverId, d.reason());
        } else if (before != null && before.decision().action() != d.action() && d.action() == FailoverDecision.Action.NONE) {
            LOG.infof("server %s: %s again", s.name, d.reason());
        }
    }

    /** A decision with when it was taken. */
    public record Decided(FailoverDecision.Decision decision, Instant at) {
    }

    /** The standby agent's view of the primary, waited for up to 2 s; null when it is too old to decide on. */
    private HaSnapshot.StandbyView standbyView(HaServer s, CompletableFuture<ReplicationStatus> asked) {
        ReplicationStatus standby;
        try {
            standby = asked.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            agreement.remove(s.serverId);
            return HaSnapshot.StandbyView.noAnswer(e.getMessage());
        }
        if (System.nanoTime() - askedAt.getOrDefault(s.serverId, 0L) > 2_000_000_000L) {
            agreement.remove(s.serverId); // too old to decide on: ask again next cycle
            return null;
        }
        return HaSnapshot.StandbyView.answer(standby.upstreamReachable(), standby.running(), standby.fenced(),
                standby.inRecovery());
    }

    private CompletableFuture<ReplicationStatus> ask(HaServer s) {
        askedAt.put(s.serverId, System.nanoTime());
        return CompletableFuture.supplyAsync(() -> agents.quick(s.standbyAgent).replication(s.standbyInstance), side);
    }

    /** A standby that stopped streaming: the primary stops waiting for it once it has been gone for the loss timeout. */
    private void watchStandby(HaServer s, CompletableFuture<ReplicationStatus> lease) {
        ReplicationStatus primary;
        try {
            primary = lease.get(1500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return; // the primary's agent is slow or away: nothing to judge the standby by
        }
        Optional<ReplicationStatus.StandbyConnection> seen = connection(primary, s.standbyInstance);
        seen.ifPresentOrElse(c -> standbySeen.put(s.serverId, c), () -> standbySeen.remove(s.serverId));
        boolean streaming = seen.map(c -> "streaming".equals(c.state())).orElse(false);
        if (streaming) {
            standbyLostSince.remove(s.serverId);
            return;
        }
        long since = standbyLostSince.computeIfAbsent(s.serverId, k -> System.nanoTime());
        if (System.nanoTime() - since < config.standbyLossTimeout().toNanos()) {
            return;
        }
        LOG.warnf("server %s: standby %s has not replicated for %s: the primary stops waiting for it (HaDegraded)", s.name,
                s.standbyInstance, config.standbyLossTimeout());
        // recorded first: from the moment the primary commits alone, the server must not count as Healthy
        syncFrom.remove(s.serverId);
        update(s.serverId, r -> {
            r.haState = HaState.ReplicatingData;
            r.degradedReason = "the standby stopped replicating; the primary commits without it until it is back";
            outbox.publish(new HaDegraded(r.serverId.toString(), r.subscriptionId, null, HaDegraded.VERSION, r.degradedReason,
                    clock.instant()));
        });
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
        standbyLostSince.remove(s.serverId);
    }

    // ------------------------------------------------------------------ failover and switchover

    private void startRequested(HaServer s) {
        String mode = s.pendingMode;
        String op = s.pendingOperation;
        ReplicationStatus standby = null;
        try {
            standby = agents.quick(s.standbyAgent).replication(s.standbyInstance);
        } catch (RuntimeException e) {
            LOG.warnf("server %s: %s refused: the standby's agent does not answer (%s)", s.name, mode, e.getMessage());
        }
        boolean able = standby != null && standby.running() && !standby.fenced() && Boolean.TRUE.equals(standby.inRecovery())
                && ("ForcedFailover".equals(mode) || standby.walReceiverStreaming());
        if (!able) {
            if (standby != null) {
                LOG.warnf("server %s: %s refused: the standby cannot take over (running %s, fenced %s, streaming %s)", s.name,
                        mode, standby.running(), standby.fenced(), standby.walReceiverStreaming());
            }
            update(s.serverId, r -> {
                r.pendingMode = null;
                r.pendingOperation = null;
            });
            return; // the restart operation ends failed when its wait runs out; the primary goes on
        }
        if ("ForcedFailover".equals(mode)) {
            update(s.serverId, r -> {
                r.pendingMode = null;
                r.pendingOperation = null;
            });
            failover(s, "ForcedFailover requested", 0, op);
            return;
        }
        LOG.infof("server %s: planned failover (switchover) to standby %s", s.name, s.standbyInstance);
        update(s.serverId, r -> {
            r.pendingMode = null;
            r.pendingOperation = op;
            r.step = "SwitchFence";
            r.stepOperation = op;
            r.stepReason = "PlannedFailover requested";
            r.stepStartedAt = clock.instant();
            r.stepDetectedMs = 0L;
            r.haState = HaState.FailingOver;
            outbox.publish(new FailoverTriggered(r.serverId.toString(), r.subscriptionId, op, FailoverTriggered.VERSION,
                    r.stepReason, r.primaryInstance, r.standbyInstance, 0, true, clock.instant()));
        }).ifPresent(this::continueStep);
    }

    /** Decides a failover: recorded (and announced: routers stop routing to the old primary at once), then carried out. */
    private void failover(HaServer s, String reason, long detectedMillis, String operationId) {
        LOG.warnf("server %s: FAILOVER from %s to %s: %s", s.name, s.primaryInstance, s.standbyInstance, reason);
        update(s.serverId, r -> {
            r.step = "Fence";
            r.stepOperation = operationId;
            r.stepReason = reason;
            r.stepStartedAt = clock.instant();
            r.stepDetectedMs = detectedMillis;
            r.haState = HaState.FailingOver;
            outbox.publish(new FailoverTriggered(r.serverId.toString(), r.subscriptionId, operationId,
                    FailoverTriggered.VERSION, reason, r.primaryInstance, r.standbyInstance, detectedMillis, false,
                    clock.instant()));
        }).ifPresent(this::continueStep);
        failingSince.remove(s.serverId);
        lastAnswer.remove(s.serverId);
        agreement.remove(s.serverId);
    }

    private void continueStep(HaServer s) {
        if (!config.stepPause().isZero()) {
            LOG.infof("server %s: step %s recorded; pausing %s before it (fault injection)", s.name, s.step, config.stepPause());
            try {
                Thread.sleep(config.stepPause().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        switch (s.step) {
            case "Fence" -> {
                try {
                    agents.urgent(s.primaryAgent).fence(s.primaryInstance, new FenceRequest(s.stepOperation, "immediate"));
                    LOG.infof("server %s: old primary %s fenced (stopped -m immediate)", s.name, s.primaryInstance);
                } catch (RuntimeException e) {
                    LOG.warnf("server %s: old primary's agent %s does not answer (%s): the instance fences itself when"
                            + " isolated and is never started as a primary again", s.name, s.primaryAgent, e.getMessage());
                }
                update(s.serverId, r -> r.step = "Promote").ifPresent(this::continueStep);
            }
            case "Promote" -> promote(s);
            case "SwitchFence" -> {
                ReplicationStatus old = agents.slow(s.primaryAgent).fence(s.primaryInstance,
                        new FenceRequest(s.stepOperation, "fast"));
                LOG.infof("server %s: old primary %s shut down cleanly at %s", s.name, s.primaryInstance, old.lsn());
                update(s.serverId, r -> {
                    r.step = "SwitchPromote";
                    r.stepLsn = old.lsn();
                }).ifPresent(this::continueStep);
            }
            case "SwitchPromote" -> switchPromote(s);
            case "SwitchRejoin" -> {
                try {
                    agents.slow(s.standbyAgent).rejoin(s.standbyInstance, new HaPeer(s.primaryInstance, s.primaryHost,
                            s.primaryPort));
                    update(s.serverId, r -> {
                        r.step = null;
                        r.haState = HaState.ReplicatingData;
                        r.degradedReason = "the former primary is catching up as the standby";
                    });
                } catch (RuntimeException e) {
                    LOG.warnf("server %s: former primary %s did not rejoin (%s): cloning it again", s.name, s.standbyInstance,
                            e.getMessage());
                    update(s.serverId, r -> {
                        r.step = null;
                        r.standbyReclone = true;
                        r.haState = HaState.CreatingStandby;
                        r.degradedReason = "the standby is being rebuilt";
                    });
                }
            }
            default -> update(s.serverId, r -> r.step = null);
        }
    }

    /** Promotes the standby; the old primary becomes the standby to rebuild (its data is not trusted). */
    private void promote(HaServer s) {
        ReplicationStatus promoted = agents.slow(s.standbyAgent).promote(s.standbyInstance);
        HaServer after = update(s.serverId, r -> {
            r.swap();
            r.term++;
            r.step = null;
            r.standbyReclone = true;
            r.haState = HaState.CreatingStandby;
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
        }).orElse(null);
        if (after != null) {
            LOG.warnf("server %s: failover done: %s is the primary (LSN %s); rebuilding a standby", s.name,
                    after.primaryInstance, promoted.lsn());
            agents.quick(after.primaryAgent).replicate(after.primaryInstance, new ReplicationSpec(null, after.term, "Primary",
                    null, List.of(), false));
        }
    }

    /** Planned: once the standby has everything the old primary wrote, promote it and swap roles. */
    private void switchPromote(HaServer s) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ReplicationStatus st = agents.quick(s.standbyAgent).replication(s.standbyInstance);
            if (Boolean.FALSE.equals(st.inRecovery())) {
                break; // promoted already (ha-service stopped after the promotion): record the swap
            }
            if (st.lsn() != null && st.receiveLsn() != null && st.lsn().equals(st.receiveLsn())
                    && (s.stepLsn == null || lsn(st.receiveLsn()) > lsn(s.stepLsn))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                // every acknowledged commit is on the synchronous standby anyway: take the unplanned path
                // (promote it, rebuild the old primary) rather than leave the server without a primary
                LOG.warnf("server %s: the standby did not receive the old primary's last WAL (%s) within 30 s (received %s,"
                        + " replayed %s): promoting it as in an unplanned failover", s.name, s.stepLsn, st.receiveLsn(), st.lsn());
                update(s.serverId, r -> r.step = "Promote").ifPresent(this::continueStep);
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ReplicationStatus promoted = agents.slow(s.standbyAgent).promote(s.standbyInstance);
        LOG.infof("server %s: %s promoted at %s (planned)", s.name, s.standbyInstance, promoted.lsn());
        update(s.serverId, r -> {
            r.swap();
            r.term++;
            r.step = "SwitchRejoin";
        }).ifPresent(after -> {
            agents.quick(after.primaryAgent).replicate(after.primaryInstance, primarySpec(after, false));
            continueStep(after);
        });
    }

    static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }

    private static boolean notFound(RuntimeException e) {
        return e instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse() != null
                && w.getResponse().getStatus() == 404;
    }

    /** The standby as its primary last reported it (null when not connected or not known). */
    public ReplicationStatus.StandbyConnection standbySeen(UUID id) {
        return standbySeen.get(id);
    }

    /** A standby that may take over without losing a commit: synchronous, streaming, caught up. */
    public boolean failoverReady(HaServer s) {
        ReplicationStatus.StandbyConnection c = standbySeen.get(s.serverId);
        return s.haState == HaState.Healthy && s.step == null && c != null && "streaming".equals(c.state())
                && "sync".equals(c.syncState()) && c.lagBytes() <= config.readyLagBytes();
    }

    /** The server's last failover decision and its reason (empty before its first probe). */
    public Optional<Decided> lastDecision(UUID id) {
        return Optional.ofNullable(lastDecision.get(id));
    }

    /** For the internal view: since when the primary has not answered, in ms (0 while it answers). */
    public long primaryDownMillis(UUID id) {
        Long since = failingSince.get(id);
        return since == null ? 0 : (System.nanoTime() - since) / 1_000_000;
    }

}
