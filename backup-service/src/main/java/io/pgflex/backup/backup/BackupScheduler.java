package io.pgflex.backup.backup;

import io.pgflex.backup.policy.BackupPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Automatic backups without anyone asking: a full backup of every running server right after it
 * is created, then every {@code pgflex.backup-service.full-backup-interval} (daily by default);
 * follows running backups to their end.
 */
@ApplicationScoped
public class BackupScheduler {
    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'auto_'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Backups backups;
    private final Clock clock;

    public BackupScheduler(Backups backups, Clock clock) {
        this.backups = backups;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.backup-service.scheduler-interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        backups.poll();
        backups.startQueued().forEach(backups::launch);
        List<java.util.UUID> servers = QuarkusTransaction.requiringNew().call(() -> BackupPolicy.<BackupPolicy>list(
                "deletedAt is null and running = true").stream().map(p -> p.serverId).toList());
        List<BackupEntity> started = new java.util.ArrayList<>();
        for (java.util.UUID id : servers) {
            // each server on its own, its policy row locked as an on-demand PUT locks it: the two never both start one
            BackupEntity b = QuarkusTransaction.requiringNew().call(() -> {
                BackupPolicy p = BackupPolicy.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
                return p != null && backups.due(p, clock.instant())
                        ? backups.record(p, NAME.format(clock.instant()), BackupEntity.Kind.Automatic) : null;
            });
            if (b != null) {
                started.add(b);
            }
        }
        for (BackupEntity b : started) {
            LOG.infof("server %s: automatic backup %s is due", b.serverId, b.name);
            backups.launch(b);
        }
    }
}
