package io.pgflex.ha.monitor;

import io.pgflex.contracts.agent.CloneRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.ReplicationSpec;
import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.events.StandbyReady;
import io.pgflex.ha.Agents;
import io.pgflex.ha.HaConfig;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.ha.standby.StandbyDecision;
import io.pgflex.ha.standby.StandbyDecision.AgentAnswer;
import io.pgflex.ha.steps.FailoverSteps;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The standby's life: placed on an agent (another zone for ZoneRedundant, the same for SameZone),
 * cloned from the primary, caught up and made synchronous ({@link StandbyDecision#catchUp}: Healthy),
 * removed when HA is turned off. Each call does one step and records it; the next cycle goes on.
 */
@ApplicationScoped
public class StandbyBuilder {
    private static final Logger LOG = Logger.getLogger(StandbyBuilder.class);

    private final HaConfig config;
    private final Agents agents;
    private final HaStore store;
    private final Observations seen;
    private final Outbox outbox;
    private final FailoverSteps steps;
    private final Clock clock;

    public StandbyBuilder(HaConfig config, Agents agents, HaStore store, Observations seen, Outbox outbox, FailoverSteps steps,
                          Clock clock) {
        this.config = config;
        this.agents = agents;
        this.store = store;
        this.seen = seen;
        this.outbox = outbox;
        this.steps = steps;
        this.clock = clock;
    }

    static ReplicationSpec primarySpec(HaServer s, boolean synchronous) {
        List<HaPeer> standbys = s.standbyInstance == null || s.standbyPort == null && s.haState != HaState.CreatingStandby
                ? List.of() : List.of(new HaPeer(s.standbyInstance, s.standbyHost, s.standbyPort == null ? 0 : s.standbyPort));
        return new ReplicationSpec(null, s.term, "Primary", null, standbys, synchronous);
    }

    static ReplicationSpec standbySpec(HaServer s) {
        return new ReplicationSpec(null, s.term, "Standby", new HaPeer(s.primaryInstance, s.primaryHost, s.primaryPort),
                List.of(), false);
    }

    /** Picks the standby's agent: another zone (ZoneRedundant) or the primary's zone (SameZone), fewest instances first. */
    void place(HaServer s) {
        Optional<String> agent = standbyAgent(s);
        if (agent.isEmpty()) {
            seen.problem(s.serverId, "no node agent " + ("ZoneRedundant".equals(s.haMode) ? "outside zone " : "in zone ")
                    + s.primaryZone + " for the standby");
            return;
        }
        String instance = s.standbyInstance != null ? s.standbyInstance
                : UUID.nameUUIDFromBytes((s.serverId + "/standby").getBytes(StandardCharsets.UTF_8)).toString();
        store.update(s.serverId, r -> {
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
                .min(Comparator.comparing((String a) -> a.equals(s.primaryAgent) ? 1 : 0)
                        .thenComparingLong(a -> QuarkusTransaction.requiringNew().call(() ->
                                HaServer.count("primaryAgent = ?1 or standbyAgent = ?1", a)))
                        .thenComparing(a -> a));
    }

    /** Clones the standby from the primary (deleting an untrusted old instance there first): ReplicatingData. */
    void create(HaServer s) {
        seen.syncMark.remove(s.serverId);
        // the primary keeps a slot for the standby and takes writes without waiting for it meanwhile
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
        if (s.standbyReclone) {
            agents.slow(s.standbyAgent).delete(s.standbyInstance); // while its agent is away: a problem, logged once
            LOG.infof("server %s: removed the old instance %s on %s before cloning a new standby there", s.name,
                    s.standbyInstance, s.standbyAgent);
            store.update(s.serverId, r -> r.standbyReclone = false);
        }
        LOG.infof("server %s: cloning standby %s on agent %s from primary %s", s.name, s.standbyInstance, s.standbyAgent,
                s.primaryInstance);
        agents.slow(s.standbyAgent).cloneFrom(s.standbyInstance, new CloneRequest(null, agents.url(s.primaryAgent),
                s.primaryInstance, new HaPeer(s.primaryInstance, s.primaryHost, s.primaryPort)));
        InstanceStatus standby = agents.quick(s.standbyAgent).get(s.standbyInstance);
        store.update(s.serverId, r -> {
            r.standbyHost = standby.host();
            r.standbyPort = standby.port();
            r.haState = HaState.ReplicatingData;
            r.degradedReason = "the standby is catching up";
        });
    }

    /** One look at a standby catching up, and what {@link StandbyDecision#catchUp} makes of it. */
    void catchUp(HaServer s) {
        if (s.standbyHeld(clock.instant())) {
            // a maintenance restarts the standby on new binaries: the primary does not wait for it, nothing is judged
            seen.syncMark.remove(s.serverId);
            agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
            seen.problem(s.serverId, "standby " + s.standbyInstance + " held by maintenance " + s.standbyHold);
            return;
        }
        boolean syncing = seen.syncMark.containsKey(s.serverId);
        ReplicationStatus primary = agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, syncing));
        AgentAnswer answer = AgentAnswer.ANSWERED;
        String error = null;
        try {
            agents.quick(s.standbyAgent).replicate(s.standbyInstance, standbySpec(s));
        } catch (RuntimeException e) {
            answer = Agents.notFound(e) ? AgentAnswer.INSTANCE_GONE : AgentAnswer.NO_ANSWER;
            error = e.getMessage();
        }
        StandbyDecision.Decision d = decide(s, primary, answer, error, syncing);
        if (d.action() == StandbyDecision.Action.SYNC_ON) {
            // synchronous from now on: Healthy once it has replayed what the primary wrote before (acknowledged alone)
            ReplicationStatus sync = agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, true));
            if (sync.lsn() != null) {
                seen.syncMark.put(s.serverId, StandbyDecision.lsn(sync.lsn()));
            }
            d = decide(s, sync, answer, error, true);
        }
        switch (d.action()) {
            case RECLONE -> {
                LOG.warnf("server %s: %s (%s on %s)", s.name, d.reason(), s.standbyInstance, s.standbyAgent);
                store.update(s.serverId, r -> r.haState = HaState.CreatingStandby);
            }
            case DESYNC -> {
                seen.syncMark.remove(s.serverId);
                seen.problem(s.serverId, d.reason());
                agents.quick(s.primaryAgent).replicate(s.primaryInstance, primarySpec(s, false));
            }
            case HEALTHY -> healthy(s, d.reason());
            default -> seen.problem(s.serverId, "standby " + s.standbyInstance + ": " + d.reason());
        }
    }

    private StandbyDecision.Decision decide(HaServer s, ReplicationStatus primary, AgentAnswer answer, String error,
                                            boolean syncing) {
        Optional<ReplicationStatus.StandbyConnection> c = connection(primary, s.standbyInstance);
        c.ifPresentOrElse(x -> seen.standbySeen.put(s.serverId, x), () -> seen.standbySeen.remove(s.serverId));
        return StandbyDecision.catchUp(new StandbyDecision.CatchUp(answer, error, c.orElse(null), syncing,
                seen.syncMark.get(s.serverId)), config.readyLagBytes());
    }

    private void healthy(HaServer s, String reason) {
        seen.syncMark.remove(s.serverId);
        String completes = s.pendingMode == null ? s.pendingOperation : null;
        store.update(s.serverId, r -> {
            if (r.standbyHeld(clock.instant())) {
                return; // a maintenance took the standby meanwhile: it is not waited for, so not Healthy
            }
            r.haState = HaState.Healthy;
            r.degradedReason = null;
            if (completes != null) {
                r.pendingOperation = null;
            }
            outbox.publish(new StandbyReady(r.serverId.toString(), r.subscriptionId, completes, StandbyReady.VERSION,
                    r.standbyInstance, r.standbyZone, clock.instant()));
            if (completes != null) {
                steps.switchoverCompleted(r, completes);
            }
        });
        seen.standbyLostSince.remove(s.serverId);
        LOG.infof("server %s: standby %s: %s: Healthy", s.name, s.standbyInstance, reason);
    }

    static Optional<ReplicationStatus.StandbyConnection> connection(ReplicationStatus primary, String standbyInstance) {
        String name = HaPeer.slotName(standbyInstance);
        return primary.standbys() == null ? Optional.empty()
                : primary.standbys().stream().filter(c -> name.equals(c.name())).findFirst();
    }

    /** HA turned off: the primary stops waiting for a standby, which is deleted. */
    void remove(HaServer s) {
        agents.quick(s.primaryAgent).replicate(s.primaryInstance, new ReplicationSpec(null, s.term, "Primary", null, List.of(),
                false));
        if (s.standbyInstance != null) {
            LOG.infof("server %s: HA off: removing standby %s on %s", s.name, s.standbyInstance, s.standbyAgent);
            agents.slow(s.standbyAgent).delete(s.standbyInstance);
        }
        store.update(s.serverId, r -> {
            r.clearStandby();
            r.haState = HaState.NotEnabled;
            r.degradedReason = null;
            r.unavailableReason = null; // no longer watched: nothing would ever clear it
        });
    }
}
