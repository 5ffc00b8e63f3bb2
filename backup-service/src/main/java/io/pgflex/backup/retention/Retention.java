package io.pgflex.backup.retention;

import io.pgflex.backup.backup.BackupEntity;
import io.pgflex.backup.backup.BackupOperation;
import io.pgflex.backup.config.Repository;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.contracts.events.BackupExpired;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Applies {@link RetentionPlan}s: deletes expired backups (files, then the row, BackupExpired with
 * the new earliest restore point), the WAL only they needed, and servers deleted longer ago than
 * their retention. Runs every {@code pgflex.backup-service.retention-interval}.
 */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final Repository repository;
    private final Outbox outbox;
    private final Clock clock;

    public Retention(Repository repository, Outbox outbox, Clock clock) {
        this.repository = repository;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.backup-service.retention-interval:10m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        runAll();
    }

    public void runAll() {
        List<UUID> servers = QuarkusTransaction.requiringNew().call(
                () -> BackupPolicy.<BackupPolicy>listAll().stream().map(p -> p.serverId).toList());
        for (UUID id : servers) {
            try {
                run(id);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("server %s: retention not applied this time: %s", id, e.getMessage());
            }
        }
    }

    /** Applies the plan of one server now; returns it. */
    public RetentionPlan run(UUID serverId) throws IOException {
        Instant now = clock.instant();
        RetentionPlan plan = QuarkusTransaction.requiringNew().call(() -> {
            BackupPolicy p = BackupPolicy.findById(serverId);
            if (p == null) {
                return null;
            }
            return RetentionPlan.decide(now, p.retentionDays, p.deletedAt, BackupEntity.completed(serverId).stream()
                    .map(b -> new RetentionPlan.Backup(b.id, b.completedAt, b.startWal)).toList());
        });
        if (plan == null) {
            return null;
        }
        BackupRepository repo = repository.store().repository();
        for (UUID id : plan.expire()) {
            // the manifest first: a deletion cut short leaves files no restore would use, never a manifest without them
            repo.delete(RepositoryLayout.manifest(serverId.toString(), id.toString()));
            repo.deletePrefix(RepositoryLayout.backup(serverId.toString(), id.toString()));
            expired(serverId, id, plan.restorableFrom());
        }
        int wal = 0;
        for (BackupRepository.Entry e : repo.list(RepositoryLayout.walPrefix(serverId.toString()))) {
            String name = e.key().substring(e.key().lastIndexOf('/') + 1);
            if (plan.walExpired(name)) {
                repo.delete(e.key());
                wal++;
            }
        }
        if (plan.purge()) {
            repo.deletePrefix(RepositoryLayout.server(serverId.toString()));
            QuarkusTransaction.requiringNew().run(() -> {
                // locked first: a run at the same time (the schedule, another backup-service) waits, then finds it gone
                BackupPolicy p = BackupPolicy.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
                if (p != null) {
                    for (BackupEntity b : BackupEntity.<BackupEntity>list("serverId", serverId)) {
                        BackupOperation.end(b.id, BackupOperation.Kind.Delete, BackupOperation.Status.Succeeded, null, null,
                                now);
                    }
                    BackupEntity.delete("serverId", serverId);
                    BackupOperation.delete("serverId = ?1 and status <> ?2", serverId, BackupOperation.Status.InProgress);
                    p.delete();
                }
            });
        } else {
            QuarkusTransaction.requiringNew().run(() -> {
                BackupPolicy p = BackupPolicy.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
                if (p != null) {
                    // from the rows as they are now (a backup deleted since the plan was made is not restorable)
                    p.restorableFrom = BackupEntity.completed(serverId).stream().map(c -> c.completedAt).findFirst()
                            .orElse(null);
                }
                // failed attempts hold nothing in the repository; their rows go with the window, as do ended operations
                Instant windowStart = now.minus(java.time.Duration.ofDays(p == null ? 7 : p.retentionDays));
                BackupEntity.delete("serverId = ?1 and state = ?2 and startedAt < ?3", serverId, BackupEntity.State.Failed,
                        windowStart);
                BackupOperation.delete("serverId = ?1 and status <> ?2 and endedAt < ?3", serverId,
                        BackupOperation.Status.InProgress, windowStart);
            });
        }
        if (!plan.expire().isEmpty() || wal > 0 || plan.purge()) {
            LOG.infof("server %s: retention: %s; %d backup(s) and %d WAL file(s) removed", serverId, plan.reason(),
                    plan.expire().size(), wal);
        }
        return plan;
    }

    /**
     * Removes the backups whose deletion was asked for (state Deleting), each as {@link #delete}; one
     * whose files cannot be removed now stays Deleting, and its operation in progress, until a later run.
     */
    @Scheduled(every = "${pgflex.backup-service.scheduler-interval:5s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deletions() {
        List<BackupEntity> deleting = QuarkusTransaction.requiringNew().call(
                () -> BackupEntity.<BackupEntity>list("state", BackupEntity.State.Deleting));
        for (BackupEntity b : deleting) {
            try {
                delete(b);
                LOG.infof("server %s: backup %s deleted as asked", b.serverId, b.name);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("server %s: backup %s not deleted yet (%s); trying again", b.serverId, b.name, e.getMessage());
            }
        }
    }

    /** Deletes one backup now (an on-demand backup the user deletes); its files first. */
    public void delete(BackupEntity backup) throws IOException {
        var repo = repository.store().repository();
        repo.delete(RepositoryLayout.manifest(backup.serverId.toString(), backup.id.toString()));
        repo.deletePrefix(RepositoryLayout.backup(backup.serverId.toString(), backup.id.toString()));
        Instant restorableFrom = QuarkusTransaction.requiringNew().call(() -> BackupEntity.completed(backup.serverId).stream()
                .filter(b -> !b.id.equals(backup.id)).map(b -> b.completedAt).findFirst().orElse(null));
        expired(backup.serverId, backup.id, restorableFrom);
    }

    private void expired(UUID serverId, UUID backupId, Instant restorableFrom) {
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity b = BackupEntity.findById(backupId, LockModeType.PESSIMISTIC_WRITE);
            if (b == null) {
                return;
            }
            boolean announced = b.state == BackupEntity.State.Deleting; // its BackupExpired went out when deleting began
            b.delete();
            BackupOperation.end(backupId, BackupOperation.Kind.Delete, BackupOperation.Status.Succeeded, null, null,
                    clock.instant());
            BackupPolicy p = BackupPolicy.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
            // the earliest restore point from the rows as they are now, under the lock (not a snapshot taken before)
            Instant from = BackupEntity.completed(serverId).stream().map(c -> c.completedAt).findFirst().orElse(null);
            if (p != null) {
                p.restorableFrom = from;
            }
            if (!announced) {
                outbox.publish(new BackupExpired(serverId.toString(), b.subscriptionId, backupId.toString(),
                        BackupExpired.VERSION, b.name, clock.instant(), from));
            }
        });
    }
}
