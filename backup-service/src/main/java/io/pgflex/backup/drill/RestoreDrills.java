package io.pgflex.backup.drill;

import io.pgflex.backup.backup.BackupEntity;
import io.pgflex.backup.config.Agents;
import io.pgflex.backup.config.BackupServiceConfig;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.contracts.agent.RestoreRequest;
import io.pgflex.contracts.agent.RestoreResult;
import io.pgflex.contracts.agent.SanityReport;
import io.pgflex.contracts.events.RestoreDrillCompleted;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A backup is only proven by restoring it. Weekly by default (and on request), each server's latest
 * backup is restored into a scratch instance on the primary's agent, with all its WAL replayed to
 * the end of the archive; the scratch instance must start, pass amcheck on its B-tree indexes and
 * count the rows of its largest tables; then it is removed. The result is recorded on the backup;
 * a failure is published (RestoreDrillCompleted, passed=false) and logged as an error: an alert.
 */
@ApplicationScoped
public class RestoreDrills {
    private static final Logger LOG = Logger.getLogger(RestoreDrills.class);

    private final Agents agents;
    private final Outbox outbox;
    private final Clock clock;
    private final BackupServiceConfig config;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "restore-drill");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean busy = new AtomicBoolean();

    private final io.pgflex.backup.config.Repository repository;

    public RestoreDrills(Agents agents, Outbox outbox, Clock clock, BackupServiceConfig config,
                         io.pgflex.backup.config.Repository repository) {
        this.repository = repository;
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }

    @Scheduled(every = "${pgflex.backup-service.scheduler-interval:5s}", delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.drillInterval().isZero() || busy.get()) {
            return;
        }
        Instant now = clock.instant();
        UUID due = QuarkusTransaction.requiringNew().call(() -> {
            for (BackupPolicy p : BackupPolicy.<BackupPolicy>list("deletedAt is null and running = true")) {
                List<BackupEntity> done = BackupEntity.completed(p.serverId);
                if (done.isEmpty()) {
                    continue;
                }
                Instant since = p.lastDrillAt != null ? p.lastDrillAt : done.get(0).completedAt;
                if (!since.plus(config.drillInterval()).isAfter(now)) {
                    return p.serverId;
                }
            }
            return null;
        });
        if (due != null) {
            request(due);
        }
    }

    /** A drill of the server asked for through the API: 409 without a completed backup or while one runs. */
    public void requestFor(BackupPolicy p) {
        if (QuarkusTransaction.requiringNew().call(() -> BackupEntity.completed(p.serverId).isEmpty())) {
            throw new ArmException(409, "NoBackupYet", "Server '" + p.serverName + "' has no completed backup to restore.", null);
        }
        if (!request(p.serverId)) {
            throw new ArmException(409, "RestoreDrillInProgress", "A restore drill runs; try again when it has finished.", null);
        }
    }

    /** Runs a drill of the server in the background unless one runs; false when one does. */
    public boolean request(UUID serverId) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        runner.submit(() -> {
            try {
                drill(serverId);
            } catch (RuntimeException e) {
                LOG.errorf("server %s: restore drill did not run: %s", serverId, e.getMessage());
            } finally {
                busy.set(false);
            }
        });
        return true;
    }

    private void drill(UUID serverId) {
        BackupPolicy p = QuarkusTransaction.requiringNew().call(() -> BackupPolicy.<BackupPolicy>findById(serverId));
        BackupEntity latest = QuarkusTransaction.requiringNew().call(() -> {
            List<BackupEntity> done = BackupEntity.completed(serverId);
            return done.isEmpty() ? null : done.get(done.size() - 1);
        });
        if (p == null || latest == null) {
            return;
        }
        String agentId = p.primaryAgentId != null ? p.primaryAgentId : config.agents().keySet().iterator().next();
        NodeAgentApi agent = agents.slow(agentId);
        String scratch = "drill-" + serverId.toString().substring(0, 8);
        long t0 = System.nanoTime();
        LOG.infof("server %s: restore drill of its latest backup (%s) into scratch instance %s on %s", serverId, latest.name,
                scratch, agentId);
        boolean passed;
        String detail;
        String backupId = latest.id.toString();
        try {
            agent.delete(scratch); // a drill cut short before leaves its scratch instance
            List<String> archived = archived(serverId); // before the restore: the archive only grows while it runs
            RestoreResult restored = agent.restore(scratch, new RestoreRequest(scratchSpec(scratch, latest.engineVersion),
                    serverId.toString(), null, true));
            backupId = restored.backupId();
            SanityReport report = agent.sanity(scratch);
            // replay ends quietly at the first missing segment: the drill also proves it reached the archive's end
            String archiveProblem = archiveProblem(archived, latest.startWal, restored.restoredLsn());
            passed = report.ok() && archiveProblem == null;
            detail = "restored backup " + restored.backupId() + " and replayed WAL to " + restored.restoredLsn() + " in "
                    + restored.durationMillis() + " ms; " + report.databases() + " database(s), " + report.indexesChecked()
                    + " B-tree index(es) checked" + (report.amcheckAvailable() ? "" : " (amcheck not available)") + "; rows: "
                    + report.tables().stream().map(t -> t.database() + "." + t.table() + "=" + t.rows()).toList()
                    + (report.problems().isEmpty() ? "" : "; problems: " + report.problems())
                    + (archiveProblem == null ? "" : "; " + archiveProblem);
        } catch (WebApplicationException e) {
            passed = false;
            detail = "restore failed: " + body(e);
        } catch (RuntimeException e) {
            passed = false;
            detail = "restore failed: " + e.getMessage();
        } finally {
            try {
                agent.delete(scratch);
            } catch (RuntimeException e) {
                LOG.warnf("scratch instance %s not removed: %s", scratch, e.getMessage());
            }
        }
        record(serverId, UUID.fromString(backupId), passed, detail, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Why replay could not have reached the end of the archive (a gap, or it ended before the newest segment), or null. */
    private List<String> archived(UUID serverId) {
        try {
            return repository.store().repository().list(io.pgflex.repository.RepositoryLayout.walPrefix(serverId.toString()))
                    .stream().map(e -> e.key().substring(e.key().lastIndexOf('/') + 1)).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String archiveProblem(List<String> wal, String fromWal, String restoredLsn) {
        try {
            List<String> gaps = io.pgflex.backup.wal.WalNames.gaps(fromWal, wal);
            if (!gaps.isEmpty()) {
                return "the WAL archive has gaps: " + gaps;
            }
            String newest = wal.stream().filter(io.pgflex.backup.wal.WalNames::isSegment)
                    .map(io.pgflex.backup.wal.WalNames::position).max(String::compareTo).orElse(null);
            String reached = io.pgflex.backup.wal.WalNames.positionOf(restoredLsn);
            if (newest != null && reached.compareTo(newest) < 0) {
                return "replay ended at " + restoredLsn + ", before the newest archived segment (position " + newest + ")";
            }
            return null;
        } catch (RuntimeException e) {
            return "the archive could not be checked: " + e.getMessage();
        }
    }

    private void record(UUID serverId, UUID backupId, boolean passed, String detail, long ms) {
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = clock.instant();
            BackupPolicy p = BackupPolicy.findById(serverId);
            if (p != null) {
                p.lastDrillAt = now;
            }
            BackupEntity b = BackupEntity.findById(backupId);
            String name = b == null ? backupId.toString() : b.name;
            if (b != null) {
                b.drillState = passed ? "Passed" : "Failed";
                b.drillAt = now;
                b.drillDetail = detail;
            }
            outbox.publish(new RestoreDrillCompleted(serverId.toString(), p == null ? null : p.subscriptionId, backupId.toString(),
                    RestoreDrillCompleted.VERSION, name, passed, detail, ms, now));
        });
        if (passed) {
            LOG.infof("server %s: restore drill passed: %s", serverId, detail);
        } else {
            LOG.errorf("ALERT server %s: restore drill FAILED: %s", serverId, detail);
        }
    }

    private static InstanceSpec scratchSpec(String scratch, String engineVersion) {
        return new InstanceSpec("drill", UUID.randomUUID().toString(), "pgflex-drills", scratch, engineVersion, "Standard_B1ms", 32,
                "pgflex_drill", null, Map.of(), List.of(), false, InstanceSpec.DesiredState.Running);
    }

    private static String body(WebApplicationException e) {
        try {
            return e.getResponse().readEntity(String.class);
        } catch (RuntimeException ignored) {
            return e.getMessage();
        }
    }
}
