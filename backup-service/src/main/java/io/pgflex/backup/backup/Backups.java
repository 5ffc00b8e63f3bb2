package io.pgflex.backup.backup;

import io.pgflex.backup.config.Agents;
import io.pgflex.backup.config.BackupServiceConfig;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.contracts.agent.BackupJob;
import io.pgflex.contracts.agent.BackupRequest;
import io.pgflex.contracts.events.BackupCompleted;
import io.pgflex.contracts.events.BackupFailed;
import io.pgflex.contracts.events.BackupStarted;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.ws.rs.WebApplicationException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs base backups on the primary's agent: records the backup (Running, BackupStarted) before
 * asking the agent, then follows the agent's job until it completes (BackupCompleted with the
 * server's new earliest restore point) or fails (BackupFailed). The record comes first, so a crash
 * anywhere leaves a Running row that the next poll settles: an agent that does not know the job
 * (it restarted) fails it, and a new backup is taken.
 * Why this long: one backup's whole life (queue, hand-over, follow, requeue, settle) under the same row locks;
 * splitting it into a queue and a follower is open in issue 16.
 */
@ApplicationScoped
public class Backups {
    private static final Logger LOG = Logger.getLogger(Backups.class);

    private final Agents agents;
    private final Outbox outbox;
    private final Clock clock;
    private final BackupServiceConfig config;

    public Backups(Agents agents, Outbox outbox, Clock clock, BackupServiceConfig config) {
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
    }

    /** Records a new backup of the server; the caller's transaction commits it. */
    public BackupEntity record(BackupPolicy policy, String name, BackupEntity.Kind kind) {
        BackupEntity b = new BackupEntity();
        b.id = UUID.randomUUID();
        b.serverId = policy.serverId;
        b.subscriptionId = policy.subscriptionId;
        b.name = name;
        b.kind = kind;
        b.state = BackupEntity.State.Running;
        b.agentId = policy.primaryAgentId;
        b.instanceId = policy.primaryInstance;
        b.startedAt = clock.instant();
        b.persist();
        outbox.publish(new BackupStarted(policy.serverId.toString(), policy.subscriptionId, b.id.toString(),
                BackupStarted.VERSION, name, kind.name(), b.startedAt));
        return b;
    }

    /**
     * Records an on-demand backup that waits for the running one (one base backup of a server at a
     * time); {@link #startQueued} starts it. The caller's transaction commits it.
     */
    public BackupEntity queue(BackupPolicy policy, String name) {
        BackupEntity b = new BackupEntity();
        b.id = UUID.randomUUID();
        b.serverId = policy.serverId;
        b.subscriptionId = policy.subscriptionId;
        b.name = name;
        b.kind = BackupEntity.Kind.OnDemand;
        b.state = BackupEntity.State.Queued;
        b.agentId = policy.primaryAgentId;
        b.instanceId = policy.primaryInstance;
        b.startedAt = clock.instant();
        b.persist();
        return b;
    }

    /**
     * Starts the oldest queued backup of every server that runs no backup now, on its primary of
     * now; fails the queued backups of a server that was stopped or deleted meanwhile. Returns the
     * started ones, to {@link #launch}.
     */
    public List<BackupEntity> startQueued() {
        List<UUID> servers = QuarkusTransaction.requiringNew().call(() -> BackupEntity.getEntityManager()
                .createQuery("select distinct b.serverId from BackupEntity b where b.state = :s", UUID.class)
                .setParameter("s", BackupEntity.State.Queued).getResultList());
        List<BackupEntity> started = new java.util.ArrayList<>();
        for (UUID serverId : servers) {
            BackupEntity b = QuarkusTransaction.requiringNew().call(() -> {
                BackupPolicy p = BackupPolicy.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
                List<BackupEntity> queued = BackupEntity.list("serverId = ?1 and state = ?2 order by startedAt", serverId,
                        BackupEntity.State.Queued);
                String gone = p == null || p.deletedAt != null ? "the server was deleted before the backup started"
                        : !p.running ? "the server was stopped before the backup started" : null;
                if (gone != null) {
                    queued.forEach(q -> failRow(q, gone));
                    return null;
                }
                if (queued.isEmpty() || p.primaryAgentId == null
                        || BackupEntity.count("serverId = ?1 and state = ?2", serverId, BackupEntity.State.Running) > 0) {
                    return null;
                }
                BackupEntity next = queued.get(0);
                next.state = BackupEntity.State.Running;
                next.agentId = p.primaryAgentId;
                next.instanceId = p.primaryInstance;
                outbox.publish(new BackupStarted(serverId.toString(), next.subscriptionId, next.id.toString(),
                        BackupStarted.VERSION, next.name, next.kind.name(), clock.instant()));
                return next;
            });
            if (b != null) {
                LOG.infof("server %s: queued backup %s starts now that the one before it has ended", serverId, b.name);
                started.add(b);
            }
        }
        return started;
    }

    /**
     * Hands a recorded backup to its agent. One the agent does not take is queued again (the next
     * tick hands it to the primary of then) until the backup timeout has passed since it was asked
     * for: an accepted backup is not failed by one unanswered call.
     */
    public void launch(BackupEntity b) {
        try {
            agents.quick(b.agentId).startBackup(b.instanceId, new BackupRequest(b.id.toString(), b.kind.name()));
            QuarkusTransaction.requiringNew().run(() -> {
                BackupEntity row = BackupEntity.findById(b.id, LockModeType.PESSIMISTIC_WRITE);
                if (row != null && row.launchedAt == null) {
                    row.launchedAt = clock.instant();
                }
            });
            LOG.infof("server %s: %s backup %s started on %s (instance %s)", b.serverId, b.kind, b.name, b.agentId, b.instanceId);
        } catch (RuntimeException e) {
            requeue(b.id, "the node agent did not start the backup: " + message(e));
        }
    }

    /** Puts a running backup the agent never took back in the queue, or fails it once it has waited the backup timeout. */
    void requeue(UUID id, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity b = BackupEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (b == null || b.state != BackupEntity.State.Running || b.launchedAt != null) {
                return;
            }
            if (java.time.Duration.between(b.startedAt, clock.instant()).compareTo(config.backupTimeout()) > 0) {
                failRow(b, reason + "; tried for " + config.backupTimeout());
                return;
            }
            b.state = BackupEntity.State.Queued;
            LOG.warnf("server %s: backup %s queued again: %s", b.serverId, b.name, reason);
        });
    }

    /** Follows every running backup once. */
    public void poll() {
        List<BackupEntity> running = QuarkusTransaction.requiringNew().call(
                () -> BackupEntity.<BackupEntity>list("state", BackupEntity.State.Running));
        for (BackupEntity b : running) {
            boolean answered = false;
            boolean known = false;
            String error = null;
            try {
                BackupJob job = agents.quick(b.agentId).backup(b.instanceId, b.id.toString());
                answered = true;
                known = true;
                if ("Completed".equals(job.state())) {
                    complete(b.id, job);
                    continue;
                } else if ("Failed".equals(job.state())) {
                    fail(b.id, job.error());
                    continue;
                }
            } catch (WebApplicationException e) {
                answered = e.getResponse() != null; // it answered, with an error (404: it does not know the job)
                known = answered && e.getResponse().getStatus() != 404;
                error = message(e);
            } catch (RuntimeException e) {
                error = message(e);
            }
            BackupPolicy policy = QuarkusTransaction.requiringNew().call(() -> BackupPolicy.findById(b.serverId));
            boolean moved = policy != null && policy.primaryInstance != null && !policy.primaryInstance.equals(b.instanceId);
            boolean settled = java.time.Duration.between(b.startedAt, clock.instant()).compareTo(java.time.Duration.ofSeconds(30)) > 0;
            if (b.launchedAt == null && settled && (answered ? !known : moved)) {
                // recorded, never taken by the agent (backup-service stopped before handing it over): hand it over again
                requeue(b.id, "the node agent never took the backup" + (error == null ? "" : ": " + error));
                continue;
            }
            Due end = giveUp(answered, known, moved, java.time.Duration.between(b.startedAt, clock.instant()),
                    config.backupTimeout());
            if (end.due()) {
                fail(b.id, end.reason() + (error == null ? "" : ": " + error));
            } else if (error != null) {
                LOG.debugf("backup %s: agent %s: %s; asking again", b.name, b.agentId, error);
            }
        }
    }

    void complete(UUID id, BackupJob job) {
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity b = BackupEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (b == null || b.state != BackupEntity.State.Running) {
                return;
            }
            b.state = BackupEntity.State.Completed;
            b.completedAt = job.stoppedAt();
            b.engineVersion = job.engineVersion();
            b.timeline = job.timeline();
            b.startLsn = job.startLsn();
            b.stopLsn = job.stopLsn();
            b.startWal = job.startWal();
            b.stopWal = job.stopWal();
            b.sizeBytes = job.sizeBytes();
            b.storedBytes = job.storedBytes();
            b.fileCount = job.fileCount();
            BackupPolicy policy = BackupPolicy.findById(b.serverId, LockModeType.PESSIMISTIC_WRITE);
            if (policy != null && (policy.restorableFrom == null || b.completedAt.isBefore(policy.restorableFrom))) {
                policy.restorableFrom = b.completedAt;
            }
            long ms = job.stoppedAt().toEpochMilli() - job.startedAt().toEpochMilli();
            BackupOperation.end(b.id, BackupOperation.Kind.Create, BackupOperation.Status.Succeeded, null, null,
                    clock.instant());
            outbox.publish(new BackupCompleted(b.serverId.toString(), b.subscriptionId, b.id.toString(), BackupCompleted.VERSION,
                    b.name, job.sizeBytes(), ms, job.startLsn(), job.stopLsn(), b.completedAt, b.kind.name(),
                    policy == null ? b.completedAt : policy.restorableFrom));
            LOG.infof("server %s: backup %s completed (%d MiB, %d MiB stored, WAL %s..%s)", b.serverId, b.name,
                    job.sizeBytes() >> 20, job.storedBytes() >> 20, job.startWal(), job.stopWal());
        });
    }

    void fail(UUID id, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity b = BackupEntity.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (b == null || b.state != BackupEntity.State.Running) {
                return;
            }
            failRow(b, reason);
        });
    }

    /** Fails a running or queued backup and the operation that asked for it; inside the caller's transaction. */
    private void failRow(BackupEntity b, String reason) {
        b.state = BackupEntity.State.Failed;
        b.error = reason;
        b.completedAt = clock.instant();
        BackupOperation.end(b.id, BackupOperation.Kind.Create, BackupOperation.Status.Failed, "BackupFailed", reason,
                b.completedAt);
        outbox.publish(new BackupFailed(b.serverId.toString(), b.subscriptionId, b.id.toString(), BackupFailed.VERSION,
                b.name, reason, b.completedAt));
        LOG.errorf("server %s: backup %s failed: %s", b.serverId, b.name, reason);
    }

    /** Whether an automatic backup of the server is due now (none yet; the last one old enough; a failed one retried soon). */
    public boolean due(BackupPolicy p, Instant now) {
        if (p.deletedAt != null || !p.running || p.primaryAgentId == null) {
            return false;
        }
        if (BackupEntity.count("serverId = ?1 and state in ?2", p.serverId,
                List.of(BackupEntity.State.Running, BackupEntity.State.Queued)) > 0) {
            return false;
        }
        List<BackupEntity> lastTwo = BackupEntity.<BackupEntity>find("serverId = ?1 and kind = ?2 order by startedAt desc",
                p.serverId, BackupEntity.Kind.Automatic).page(0, 2).list();
        if (lastTwo.isEmpty()) {
            return true;
        }
        BackupEntity last = lastTwo.get(0);
        // a quick retry only after a first failure: one that fails again and again waits the usual 5 minutes
        boolean firstFailure = lastTwo.size() < 2 || lastTwo.get(1).state != BackupEntity.State.Failed;
        return nextAutomatic(last.state == BackupEntity.State.Failed, last.startedAt, last.instanceId, p.primaryInstance,
                p.restorableFrom != null || !firstFailure, config.fullBackupInterval(), now).due();
    }

    /** Whether an automatic backup is due now, and why (see {@link #nextAutomatic}). */
    public record Due(boolean due, String reason) {
    }

    /** How soon a failed backup of a server without any restore point is tried again (a failover may have cut it short). */
    static final java.time.Duration FIRST_RETRY = java.time.Duration.ofSeconds(15);

    /**
     * When the next automatic backup runs after the last one: a full interval after a success; after
     * a failure, at once when the primary has moved since (a failover cut the backup short: the new
     * primary has none yet), within 15 s for a server that has no restore point at all and failed for
     * the first time (its first backup must not wait: the primary's move may simply not be known here
     * yet), else 5 minutes later (what failed may still be failing).
     *
     * @param restorable the server has a restore point, or its backups failed more than once in a row
     */
    static Due nextAutomatic(boolean lastFailed, Instant lastStarted, String lastInstance, String primaryInstance,
                             boolean restorable, java.time.Duration interval, Instant now) {
        if (lastFailed && primaryInstance != null && !primaryInstance.equals(lastInstance)) {
            return new Due(true, "the last backup failed on " + lastInstance + " and the primary is now " + primaryInstance);
        }
        java.time.Duration retry = restorable ? java.time.Duration.ofMinutes(5) : FIRST_RETRY;
        java.time.Duration wait = lastFailed && retry.compareTo(interval) < 0 ? retry : interval;
        boolean due = !lastStarted.plus(wait).isAfter(now);
        return new Due(due, (lastFailed ? (restorable ? "retry " : "no restore point yet: retry ") : "interval ") + wait
                + (due ? " has passed" : " has not passed"));
    }

    /**
     * What becomes of a backup that is Running here, from its agent's answer: a backup on an instance
     * that is no longer the primary, whose agent does not answer, is failed at once (the host was
     * lost in a failover: waiting out the backup timeout would hold up the new primary's backup).
     *
     * @param agentAnswered the agent answered (with the job, or 404)
     * @param agentKnowsIt  the agent knows the job
     * @param primaryMoved  the server's primary is another instance now
     * @param age           how long ago the backup was recorded
     */
    static Due giveUp(boolean agentAnswered, boolean agentKnowsIt, boolean primaryMoved, java.time.Duration age,
                      java.time.Duration timeout) {
        if (agentAnswered && !agentKnowsIt && age.compareTo(java.time.Duration.ofSeconds(30)) > 0) {
            return new Due(true, "the node agent no longer knows the backup (it restarted while the backup ran)");
        }
        if (!agentAnswered && primaryMoved) {
            return new Due(true, "the primary moved to another instance while the backup ran, and the old one's agent"
                    + " does not answer");
        }
        if (!agentAnswered && age.compareTo(timeout) > 0) {
            return new Due(true, "no word from the node agent for " + timeout);
        }
        return new Due(false, "the backup runs");
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
