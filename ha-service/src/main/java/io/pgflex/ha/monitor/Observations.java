package io.pgflex.ha.monitor;

import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.ha.HaConfig;
import io.pgflex.ha.failover.FailoverDecision;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What ha-service has observed of each server, in memory (rebuilt within seconds after a restart):
 * when its primary last answered, since when it has not, its standby as the primary reports it, the
 * standby agent's view asked for while the primary is silent, the LSN mark of a standby becoming
 * synchronous, and the last failover decision. The decisions read snapshots taken from here.
 */
@Singleton // its maps are read directly by the monitor's classes: no client proxy in between
public class Observations {
    private static final Logger LOG = Logger.getLogger(Observations.class);

    /** When each server's primary last answered a probe (nanoTime at the probe's start). */
    final Map<UUID, Long> lastAnswer = new ConcurrentHashMap<>();
    /** Since when each server's primary has not answered (the last answer, or the first failed probe). */
    final Map<UUID, Long> failingSince = new ConcurrentHashMap<>();
    /** Since when each server's standby has not been streaming (nanoTime). */
    final Map<UUID, Long> standbyLostSince = new ConcurrentHashMap<>();
    /** Each server's standby as its primary last reported it (pg_stat_replication): failover readiness. */
    final Map<UUID, ReplicationStatus.StandbyConnection> standbySeen = new ConcurrentHashMap<>();
    /** The standby agent's view of the primary, asked for while the primary does not answer, and when it was asked. */
    final Map<UUID, CompletableFuture<ReplicationStatus>> agreement = new ConcurrentHashMap<>();
    final Map<UUID, Long> askedAt = new ConcurrentHashMap<>();
    /** The primary's LSN when it was made to wait for its standby: Healthy once the standby replayed past it. */
    final Map<UUID, Long> syncMark = new ConcurrentHashMap<>();
    /** Each server's last failover decision with its reason, for the HA status resource. */
    private final Map<UUID, Decided> lastDecision = new ConcurrentHashMap<>();
    private final Map<UUID, String> lastProblem = new ConcurrentHashMap<>();

    private final HaConfig config;

    public Observations(HaConfig config) {
        this.config = config;
    }

    /** A decision with when it was taken. */
    public record Decided(FailoverDecision.Decision decision, Instant at) {
    }

    /** Logs a problem of a server once (again only when it changes). */
    void problem(UUID id, String message) {
        if (!Objects.equals(lastProblem.put(id, message), message)) {
            LOG.warnf("server %s: %s", id, message);
        }
    }

    void noProblem(UUID id) {
        lastProblem.remove(id);
    }

    /** Records the decision; returns the one before (null when none). */
    Decided decided(UUID id, FailoverDecision.Decision d, Instant at) {
        return lastDecision.put(id, new Decided(d, at));
    }

    /** A probe of a server's primary: when it started, and what it found once it ends (within the probe timeout). */
    record Probe(long startedAt, CompletableFuture<io.pgflex.contracts.agent.Probes.Outcome> outcome) {
    }

    /** Each server's newest probe (running or done). */
    final Map<UUID, Probe> probes = new ConcurrentHashMap<>();
    /** Whether each server's newest finished probe found the primary answering. */
    final Map<UUID, Boolean> lastVerdict = new ConcurrentHashMap<>();
    /** When each server's primary's lease was last renewed (nanoTime). */
    private final Map<UUID, Long> leaseAt = new ConcurrentHashMap<>();

    /** A finished probe: its verdict counts, and an answer moves the last answer forward. */
    void probeFinished(UUID id, long startedAt, boolean answered) {
        lastVerdict.put(id, answered);
        if (answered) {
            lastAnswer.merge(id, startedAt, Math::max);
        }
    }

    /** The primary answers: no silence to count from, no standby to ask. */
    void primaryAnswers(UUID id) {
        failingSince.remove(id);
        agreement.remove(id);
    }

    /** The primary is not probed (stopped), or was replaced: everything about its probes goes. */
    void forgetProbes(UUID id) {
        probes.remove(id);
        lastVerdict.remove(id);
        lastAnswer.remove(id);
        failingSince.remove(id);
        agreement.remove(id);
    }

    /** Whether the primary's lease is due for renewal (once an interval), noting that it is renewed now. */
    boolean leaseDue(UUID id, java.time.Duration interval) {
        long now = System.nanoTime();
        Long last = leaseAt.get(id);
        if (last != null && now - last < interval.toNanos()) {
            return false;
        }
        leaseAt.put(id, now);
        return true;
    }

    /** Forgets everything of a server that is gone or has no primary. */
    void forget(UUID id) {
        lastDecision.remove(id);
        lastProblem.remove(id);
        forgetProbes(id);
        standbyLostSince.remove(id);
        standbySeen.remove(id);
        askedAt.remove(id);
        syncMark.remove(id);
        leaseAt.remove(id);
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

    /** Since when the primary has not answered, in ms (0 while it answers). */
    public long primaryDownMillis(UUID id) {
        Long since = failingSince.get(id);
        return since == null ? 0 : (System.nanoTime() - since) / 1_000_000;
    }
}
