package io.pgflex.backup.backup;

import io.pgflex.backup.config.BackupServiceConfig;
import io.pgflex.backup.config.Repository;
import io.pgflex.backup.drill.RestoreDrills;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.backup.retention.Retention;
import io.pgflex.backup.wal.WalNames;
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

/** The rules of the backups API: names, the on-demand limit, what may be deleted, verify and drill requests, status. */
@ApplicationScoped
public class BackupService {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private final Backups backups;
    private final Retention retention;
    private final Verifier verifier;
    private final RestoreDrills drills;
    private final Repository repository;
    private final BackupServiceConfig config;
    private final Clock clock;
    private final ExecutorService verifications = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backup-verify");
        t.setDaemon(true);
        return t;
    });

    public BackupService(Backups backups, Retention retention, Verifier verifier, RestoreDrills drills, Repository repository,
                         BackupServiceConfig config, Clock clock) {
        this.backups = backups;
        this.retention = retention;
        this.verifier = verifier;
        this.drills = drills;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        verifications.shutdownNow();
    }

    public record Created(BackupEntity backup, boolean isNew) {
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

    /** An on-demand backup named {@code name}: recorded and started, or the one of that name already there. */
    public Created onDemand(String sub, String rg, String serverName, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ArmException.badRequest("InvalidBackupName", "A backup name starts with a letter or digit and has at most 128"
                    + " letters, digits, '-' and '_'.", "name");
        }
        Created created = QuarkusTransaction.requiringNew().call(() -> {
            BackupPolicy p = BackupPolicy.byName(sub, rg, serverName).orElseThrow(() -> ArmException.notFound(
                    "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + serverName + "' under resource group '"
                            + rg + "' was not found."));
            BackupPolicy locked = BackupPolicy.findById(p.serverId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            var existing = BackupEntity.byName(p.serverId, name);
            if (existing.isPresent()) {
                if (existing.get().kind != BackupEntity.Kind.OnDemand) {
                    throw ArmException.conflict("'" + name + "' is the name of an automatic backup.");
                }
                return new Created(existing.get(), false);
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
            if (BackupEntity.count("serverId = ?1 and state = ?2", p.serverId, BackupEntity.State.Running) > 0) {
                throw new ArmException(409, "BackupInProgress", "A backup of server '" + serverName
                        + "' is running; try again when it has finished.", null);
            }
            return new Created(backups.record(locked, name, BackupEntity.Kind.OnDemand), true);
        });
        if (created.isNew()) {
            backups.launch(created.backup());
        }
        return created;
    }

    /** Deletes an on-demand backup; true when there was one. Automatic backups go by retention only. */
    public boolean delete(String sub, String rg, String serverName, String name) {
        BackupPolicy p = server(sub, rg, serverName);
        var b = QuarkusTransaction.requiringNew().call(() -> BackupEntity.byName(p.serverId, name));
        if (b.isEmpty()) {
            return false;
        }
        if (b.get().kind == BackupEntity.Kind.Automatic) {
            throw ArmException.badRequest("AutomaticBackupNotDeletable", "Automatic backups are removed by the retention"
                    + " policy (" + p.retentionDays + " days) only.", "name");
        }
        if (b.get().state == BackupEntity.State.Running) {
            throw new ArmException(409, "BackupInProgress", "Backup '" + name + "' is still running.", null);
        }
        try {
            retention.delete(b.get());
        } catch (IOException e) {
            throw new IllegalStateException("backup " + name + " not deleted: " + e.getMessage(), e);
        }
        return true;
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

    public void drill(BackupPolicy p) {
        if (QuarkusTransaction.requiringNew().call(() -> BackupEntity.completed(p.serverId).isEmpty())) {
            throw new ArmException(409, "NoBackupYet", "Server '" + p.serverName + "' has no completed backup to restore.", null);
        }
        if (!drills.request(p.serverId)) {
            throw new ArmException(409, "RestoreDrillInProgress", "A restore drill runs; try again when it has finished.", null);
        }
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
