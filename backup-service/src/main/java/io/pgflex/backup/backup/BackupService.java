package io.pgflex.backup.backup;

import io.pgflex.backup.config.BackupServiceConfig;
import io.pgflex.backup.config.Repository;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.backup.wal.WalNames;
import io.pgflex.contracts.events.BackupExpired;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.support.errors.ArmException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The rules of the backups API: names, the on-demand limit, what may be deleted, verify requests, status. */
@ApplicationScoped
public class BackupService {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private final Backups backups;
    private final Verifier verifier;
    private final Repository repository;
    private final io.pgflex.support.outbox.Outbox outbox;
    private final BackupServiceConfig config;
    private final Clock clock;
    private final ExecutorService verifications = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backup-verify");
        t.setDaemon(true);
        return t;
    });

    public BackupService(Backups backups, Verifier verifier, Repository repository,
                         BackupServiceConfig config, Clock clock, io.pgflex.support.outbox.Outbox outbox) {
        this.outbox = outbox;
        this.backups = backups;
        this.verifier = verifier;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        verifications.shutdownNow();
    }

    /**
     * The outcome of a backup PUT or DELETE: the backup (null when none is left), whether the request
     * changed anything, and the operation to poll while it is in progress (null when it has ended).
     */
    public record Outcome(BackupEntity backup, boolean isNew, BackupOperation operation, String location) {
    }

    public BackupPolicy server(String sub, String rg, String name) {
        return QuarkusTransaction.requiringNew().call(() -> BackupPolicy.byName(sub, rg, name)).orElseThrow(() ->
                ArmException.notFound("The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name
                        + "' under resource group '" + rg + "' was not found."));
    }

    public List<BackupEntity> backups(BackupPolicy p) {
        return QuarkusTransaction.requiringNew().call(() -> BackupEntity.<BackupEntity>list(
                "serverId = ?1 order by startedAt", p.serverId));
    }

    public BackupEntity backup(BackupPolicy p, String name) {
        return QuarkusTransaction.requiringNew().call(() -> BackupEntity.byName(p.serverId, name)).orElseThrow(() ->
                ArmException.notFound("The backup '" + name + "' of server '" + p.serverName + "' was not found."));
    }

    /**
     * An on-demand backup named {@code name}: recorded and started, or queued behind the backup that
     * runs (one base backup of a server at a time), or the one of that name already there.
     */
    public Outcome onDemand(String sub, String rg, String serverName, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ArmException.badRequest("InvalidBackupName", "A backup name starts with a letter or digit and has at most 128"
                    + " letters, digits, '-' and '_'.", "name");
        }
        Outcome created = QuarkusTransaction.requiringNew().call(() -> {
            BackupPolicy p = BackupPolicy.byName(sub, rg, serverName).orElseThrow(() -> ArmException.notFound(
                    "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + serverName + "' under resource group '"
                            + rg + "' was not found."));
            BackupPolicy locked = BackupPolicy.findById(p.serverId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            var existing = BackupEntity.byName(p.serverId, name);
            if (existing.isPresent()) {
                BackupEntity b = existing.get();
                if (b.kind != BackupEntity.Kind.OnDemand) {
                    throw ArmException.conflict("'" + name + "' is the name of an automatic backup.");
                }
                if (b.state == BackupEntity.State.Deleting) {
                    throw ArmException.conflict("Backup '" + name + "' is being deleted; choose another name or try again"
                            + " when it is gone.");
                }
                if (b.state != BackupEntity.State.Failed) {
                    return new Outcome(b, false, BackupOperation.running(b.id, BackupOperation.Kind.Create).orElse(null),
                            locked.location);
                }
                // a PUT asks for the backup to exist: a failed attempt of that name is replaced by a new one
                b.delete();
                BackupEntity.flush();
            }
            if (!locked.running || locked.primaryAgentId == null) {
                throw new ArmException(409, "ServerNotRunning", "Server '" + serverName + "' is not running; start it to"
                        + " take a backup.", null);
            }
            long onDemand = BackupEntity.count("serverId = ?1 and kind = ?2 and state <> ?3", p.serverId,
                    BackupEntity.Kind.OnDemand, BackupEntity.State.Failed);
            if (onDemand >= config.onDemandLimit()) {
                throw new ArmException(409, "OnDemandBackupLimitReached", "Server '" + serverName + "' has "
                        + onDemand + " on-demand backups, the most kept; delete one first.", null);
            }
            boolean busy = BackupEntity.count("serverId = ?1 and state in ?2", p.serverId,
                    List.of(BackupEntity.State.Running, BackupEntity.State.Queued)) > 0;
            BackupEntity b = busy ? backups.queue(locked, name) : backups.record(locked, name, BackupEntity.Kind.OnDemand);
            return new Outcome(b, true, BackupOperation.start(b, BackupOperation.Kind.Create, clock.instant()),
                    locked.location);
        });
        if (created.isNew() && created.backup().state == BackupEntity.State.Running) {
            backups.launch(created.backup());
        }
        return created;
    }

    /**
     * Deletes an on-demand backup: a queued one at once (its create operation is Canceled), any other
     * by marking it Deleting (no restore uses it from then on) for {@link Retention} to remove its
     * files and row; the outcome carries that operation. Automatic backups go by retention only.
     */
    public Outcome delete(String sub, String rg, String serverName, String name) {
        BackupPolicy p = server(sub, rg, serverName);
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            BackupPolicy locked = BackupPolicy.findById(p.serverId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            var found = BackupEntity.byName(p.serverId, name);
            if (found.isEmpty()) {
                return new Outcome(null, false, null, locked.location);
            }
            BackupEntity b = found.get();
            if (b.kind == BackupEntity.Kind.Automatic) {
                throw ArmException.badRequest("AutomaticBackupNotDeletable", "Automatic backups are removed by the retention"
                        + " policy (" + p.retentionDays + " days) only.", "name");
            }
            switch (b.state) {
                case Running -> throw new ArmException(409, "BackupInProgress", "Backup '" + name + "' is still running;"
                        + " delete it when it has completed.", null);
                case Queued -> {
                    BackupOperation.end(b.id, BackupOperation.Kind.Create, BackupOperation.Status.Canceled, "BackupCanceled",
                            "The backup was deleted before it started.", clock.instant());
                    b.delete();
                    return new Outcome(null, true, null, locked.location);
                }
                case Deleting -> {
                    return new Outcome(b, false, BackupOperation.running(b.id, BackupOperation.Kind.Delete).orElse(null),
                            locked.location);
                }
                default -> {
                    boolean wasRestorable = b.state == BackupEntity.State.Completed;
                    b.state = BackupEntity.State.Deleting;
                    if (wasRestorable) {
                        // it leaves the restorable set now (BackupExpired): the earliest restore point everywhere moves at once
                        locked.restorableFrom = BackupEntity.completed(p.serverId).stream().filter(c -> !c.id.equals(b.id))
                                .map(c -> c.completedAt).findFirst().orElse(null);
                        outbox.publish(new BackupExpired(b.serverId.toString(), b.subscriptionId, b.id.toString(),
                                BackupExpired.VERSION, b.name, clock.instant(), locked.restorableFrom));
                    }
                    return new Outcome(b, true, BackupOperation.start(b, BackupOperation.Kind.Delete, clock.instant()),
                            locked.location);
                }
            }
        });
        if (outcome.operation() != null && outcome.isNew()) {
            // the manifest first, at once: a restore looking for a base backup from now on does not find this one
            // (its data files go with the deletion run; a restore already reading them may fail)
            try {
                repository.store().repository().delete(RepositoryLayout.manifest(p.serverId.toString(),
                        outcome.backup().id.toString()));
            } catch (IOException | RuntimeException e) {
                org.jboss.logging.Logger.getLogger(BackupService.class).warnf("backup %s: manifest not removed yet (%s);"
                        + " the deletion run removes it", name, e.getMessage());
            }
        }
        return outcome;
    }

    public void verify(BackupPolicy p, String name) {
        BackupEntity b = backup(p, name);
        if (b.state != BackupEntity.State.Completed) {
            throw new ArmException(409, "BackupNotCompleted", "Backup '" + name + "' is " + b.state + "; only completed"
                    + " backups are verified.", null);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity row = BackupEntity.findById(b.id);
            row.verifyState = "Running";
            row.verifiedAt = clock.instant();
        });
        verifications.submit(() -> verifier.verify(b.id));
    }

    /** Earliest restore point, the newest archived WAL and any gap in the archive since the oldest kept backup. */
    public Map<String, Object> status(BackupPolicy p) {
        Instant now = clock.instant();
        List<BackupEntity> done = QuarkusTransaction.requiringNew().call(() -> BackupEntity.completed(p.serverId));
        Map<String, Object> out = new LinkedHashMap<>();
        Instant earliest = QuarkusTransaction.requiringNew().call(() ->
                BackupPolicy.<BackupPolicy>findById(p.serverId).earliestRestoreDate(now));
        out.put("earliestRestoreDate", earliest == null ? null : earliest.toString());
        out.put("backupRetentionDays", p.retentionDays);
        out.put("completedBackups", done.size());
        out.put("latestBackup", done.isEmpty() ? null : done.get(done.size() - 1).name);
        try {
            BackupRepository repo = repository.store().repository();
            List<String> wal = repo.list(RepositoryLayout.walPrefix(p.serverId.toString())).stream()
                    .map(e -> e.key().substring(e.key().lastIndexOf('/') + 1)).toList();
            List<String> segments = wal.stream().filter(WalNames::isSegment).toList();
            out.put("archivedWalFiles", wal.size());
            out.put("latestArchivedWal", segments.isEmpty() ? null : segments.stream()
                    .max(java.util.Comparator.comparing(WalNames::position).thenComparing(n -> n)).orElse(null));
            out.put("timelines", wal.stream().filter(WalNames::isHistory).count() + 1);
            out.put("walGaps", done.isEmpty() ? List.of() : WalNames.gaps(done.get(0).startWal, wal));
        } catch (IOException e) {
            out.put("repositoryError", e.getMessage());
        }
        return out;
    }
}
