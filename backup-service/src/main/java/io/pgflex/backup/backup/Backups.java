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

    /** Hands a recorded backup to its agent. */
    public void launch(BackupEntity b) {
        try {
            agents.quick(b.agentId).startBackup(b.instanceId, new BackupRequest(b.id.toString(), b.kind.name()));
            LOG.infof("server %s: %s backup %s started on %s (instance %s)", b.serverId, b.kind, b.name, b.agentId, b.instanceId);
        } catch (RuntimeException e) {
            fail(b.id, "the node agent did not start the backup: " + message(e));
        }
    }

    /** Follows every running backup once. */
    public void poll() {
        List<BackupEntity> running = QuarkusTransaction.requiringNew().call(
                () -> BackupEntity.<BackupEntity>list("state", BackupEntity.State.Running));
        for (BackupEntity b : running) {
            try {
                BackupJob job = agents.quick(b.agentId).backup(b.instanceId, b.id.toString());
                if ("Completed".equals(job.state())) {
                    complete(b.id, job);
                } else if ("Failed".equals(job.state())) {
                    fail(b.id, job.error());
                }
            } catch (WebApplicationException e) {
                // a 404 right after the record may only mean the agent has not been asked yet
                if (e.getResponse() != null && e.getResponse().getStatus() == 404
                        && b.startedAt.plusSeconds(30).isBefore(clock.instant())) {
                    fail(b.id, "the node agent no longer knows the backup (it restarted while the backup ran)");
                } else {
                    timeoutOrWait(b, e);
                }
            } catch (RuntimeException e) {
                timeoutOrWait(b, e);
            }
        }
    }

    private void timeoutOrWait(BackupEntity b, RuntimeException e) {
        if (b.startedAt.plus(config.backupTimeout()).isBefore(clock.instant())) {
            fail(b.id, "no word from node agent " + b.agentId + " for " + config.backupTimeout() + ": " + message(e));
        } else {
            LOG.debugf("backup %s: agent %s not answering (%s); asking again", b.name, b.agentId, message(e));
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
            b.state = BackupEntity.State.Failed;
            b.error = reason;
            b.completedAt = clock.instant();
            outbox.publish(new BackupFailed(b.serverId.toString(), b.subscriptionId, b.id.toString(), BackupFailed.VERSION,
                    b.name, reason, b.completedAt));
            LOG.errorf("server %s: backup %s failed: %s", b.serverId, b.name, reason);
        });
    }

    /** Whether an automatic backup of the server is due now (none yet; the last one old enough; a failed one retried soon). */
    public boolean due(BackupPolicy p, Instant now) {
        if (p.deletedAt != null || !p.running || p.primaryAgentId == null) {
            return false;
        }
        if (BackupEntity.count("serverId = ?1 and state = ?2", p.serverId, BackupEntity.State.Running) > 0) {
            return false;
        }
        BackupEntity last = BackupEntity.<BackupEntity>find("serverId = ?1 and kind = ?2 order by startedAt desc",
                p.serverId, BackupEntity.Kind.Automatic).firstResult();
        if (last == null) {
            return true;
        }
        return nextAutomatic(last.state == BackupEntity.State.Failed, last.startedAt, last.instanceId, p.primaryInstance,
                config.fullBackupInterval(), now).due();
    }

    /** Whether an automatic backup is due now, and why (see {@link #nextAutomatic}). */
    public record Due(boolean due, String reason) {
    }

    /**
     * When the next automatic backup runs after the last one: a full interval after a success; after
     * a failure, at once when the primary has moved since (a failover cut the backup short: the new
     * primary has none yet), else 5 minutes later (what failed may still be failing).
     */
    static Due nextAutomatic(boolean lastFailed, Instant lastStarted, String lastInstance, String primaryInstance,
                             java.time.Duration interval, Instant now) {
        if (lastFailed && primaryInstance != null && !primaryInstance.equals(lastInstance)) {
            return new Due(true, "the last backup failed on " + lastInstance + " and the primary is now " + primaryInstance);
        }
        java.time.Duration retry = java.time.Duration.ofMinutes(5);
        java.time.Duration wait = lastFailed && retry.compareTo(interval) < 0 ? retry : interval;
        boolean due = !lastStarted.plus(wait).isAfter(now);
        return new Due(due, (lastFailed ? "retry " : "interval ") + wait + (due ? " has passed" : " has not passed"));
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
