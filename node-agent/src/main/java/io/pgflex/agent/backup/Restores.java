package io.pgflex.agent.backup;

import io.pgflex.agent.archive.BackupStorage;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.RestoreState;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.RestoreRequest;
import io.pgflex.contracts.agent.RestoreResult;
import io.pgflex.repository.BackupManifest;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.crypto.SecretKey;
import org.jboss.logging.Logger;

/**
 * Point-in-time restore into a new instance: the latest base backup of the source server that
 * finished before the target time is downloaded (parallel, every file's digest checked: a damaged
 * backup fails the restore loudly), PostgreSQL replays the source's WAL archive up to the target
 * (restore_command through this agent) and promotes; then the instance is made what its spec says.
 * Which step a repeated or resumed call takes is {@link RestorePhase}'s; the download {@link BackupDownloads}'.
 */
@ApplicationScoped
public class Restores {
    private static final Logger LOG = Logger.getLogger(Restores.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSql sql;
    private final BackupStorage storage;
    private final OsCommands os;
    private final BackupDownloads downloads;

    public Restores(InstanceStore store, InstanceManager manager, InstanceSql sql, BackupStorage storage, OsCommands os,
                    BackupDownloads downloads) {
        this.store = store;
        this.manager = manager;
        this.sql = sql;
        this.storage = storage;
        this.os = os;
        this.downloads = downloads;
    }

    public RestoreResult restore(String instanceId, RestoreRequest request) {
        if (request == null || request.spec() == null || request.sourceServerId() == null) {
            throw new IllegalArgumentException("a restore needs the new instance's spec and the source server id");
        }
        // one restore of an instance at a time: a repeated call while one runs (the caller's retry) waits its turn
        if (!running.add(instanceId)) {
            throw new RestoreInProgressException("a restore of instance " + instanceId + " is running; ask again later");
        }
        try {
            return restoreOnce(instanceId, request);
        } finally {
            running.remove(instanceId);
        }
    }

    private final java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private RestoreResult restoreOnce(String instanceId, RestoreRequest request) {
        InstanceLayout layout = store.layout(instanceId);
        InstanceSpec spec = request.spec();
        RestorePhase phase = RestorePhase.of(store.read(instanceId).isPresent(), RestoreState.read(layout).isPresent(),
                store.running(instanceId));
        if (phase.step() != RestorePhase.Step.FRESH) {
            LOG.infof("instance %s: %s", instanceId, phase.reason());
        }
        if (phase.step() == RestorePhase.Step.BRING_TO_SPEC) {
            return new RestoreResult(manager.apply(instanceId, spec), null, null, null, 0, 0, 0);
        }
        if (phase.step() == RestorePhase.Step.FOLLOW_REPLAY) {
            return finish(instanceId, request, spec, null, 0, System.nanoTime());
        }
        long t0 = System.nanoTime();
        BackupRepository repo = storage.repository();
        SecretKey key;
        BackupManifest backup;
        try {
            key = storage.existingDataKey(request.sourceServerId());
            backup = RestorePhase.choose(BackupManifest.all(repo, key, request.sourceServerId()), request);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the backups of server " + request.sourceServerId() + ": " + e.getMessage(), e);
        }
        if (!backup.engineVersion().split("\\.")[0].equals(spec.engineVersion().split("\\.")[0])) {
            throw new IllegalArgumentException("backup " + backup.backupId() + " is of PostgreSQL " + backup.engineVersion()
                    + "; the new server asks for " + spec.engineVersion());
        }
        if (phase.step() == RestorePhase.Step.START_OVER) {
            manager.delete(instanceId);
            try { // whatever that attempt archived as the new server belongs to no backup: start its archive afresh
                repo.deletePrefix(RepositoryLayout.walPrefix(spec.serverId()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        LOG.infof("instance %s: restoring server %s from backup %s (finished %s, %d files, %d MiB) to %s", instanceId,
                request.sourceServerId(), backup.backupId(), backup.stoppedAt(), backup.files().size(), backup.sizeBytes() >> 20,
                request.targetTime() == null ? "the end of its WAL archive" : request.targetTime());
        Path tmp = layout.root().resolve("pgdata.restore");
        try {
            Files.createDirectories(layout.root());
            Files.setPosixFilePermissions(layout.root(), PosixFilePermissions.fromString("rwx------"));
            OsCommands.deleteTree(tmp);
            OsCommands.deleteTree(layout.pgdata());
            Files.createDirectories(tmp);
            Files.createDirectories(layout.log());
            Files.createDirectories(layout.conf());
            downloads.download(repo, key, backup, tmp);
            BackupDownloads.prepare(backup, tmp);
            os.chownToPostgres(layout.root());
            Files.move(tmp, layout.pgdata());
        } catch (IOException e) {
            OsCommands.deleteTree(tmp);
            throw new RestoreFailedException("backup " + backup.backupId() + " of server " + request.sourceServerId()
                    + " could not be restored: " + e.getMessage(), e);
        }
        long downloadMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.infof("instance %s: backup %s downloaded and checked in %d ms; replaying WAL", instanceId, backup.backupId(),
                downloadMillis);
        new RestoreState(request.sourceServerId(), backup.backupId(), request.targetTime(), request.scratch()).write(layout);
        InstanceSpec running = new InstanceSpec(spec.operationId(), spec.serverId(), spec.subscriptionId(), spec.serverName(),
                backup.engineVersion(), spec.skuName(), spec.storageSizeGb(), spec.adminLogin(), null, spec.parameters(),
                spec.firewallRules(), spec.publicNetworkAccess(), InstanceSpec.DesiredState.Running);
        manager.register(instanceId, running, backup.engineVersion(), "Primary");
        try {
            manager.start(instanceId);
        } catch (RuntimeException e) {
            // pg_ctl waits a minute for connections, which a replaying server (no hot standby) does not take yet
            if (!store.running(instanceId)) {
                throw new RestoreFailedException(replayFailure(instanceId, request), e);
            }
            LOG.infof("instance %s: still replaying WAL after pg_ctl stopped waiting; following it", instanceId);
        }
        return finish(instanceId, request, spec, backup, downloadMillis, t0);
    }

    /** Waits for replay to reach its target and the promotion, then makes the instance what its spec says. */
    private RestoreResult finish(String instanceId, RestoreRequest request, InstanceSpec spec, BackupManifest backup,
                                 long downloadMillis, long t0) {
        InstanceLayout layout = store.layout(instanceId);
        awaitPromoted(instanceId, request);
        RestoreState state = RestoreState.read(layout).orElse(null);
        RestoreState.clear(layout);
        InstanceStatus status = manager.apply(instanceId, spec);
        String lsn;
        int timeline;
        try (Connection c = connect(instanceId); Statement s = c.createStatement()) {
            lsn = InstanceSql.one(s, "SELECT pg_current_wal_lsn()::text");
            timeline = Integer.parseInt(InstanceSql.one(s, "SELECT timeline_id FROM pg_control_checkpoint()"));
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.infof("instance %s: restored and promoted at %s (timeline %d) in %d ms", instanceId, lsn, timeline, ms);
        return new RestoreResult(status, backup != null ? backup.backupId() : state == null ? null : state.backupId(),
                backup == null ? null : backup.stoppedAt(), lsn, timeline, downloadMillis, ms);
    }

    private void awaitPromoted(String instanceId, RestoreRequest request) {
        long deadline = System.nanoTime() + java.time.Duration.ofHours(6).toNanos();
        long nextLog = 0;
        while (System.nanoTime() < deadline) {
            if (!store.running(instanceId)) {
                throw new RestoreFailedException(replayFailure(instanceId, request));
            }
            try (Connection c = connect(instanceId); Statement s = c.createStatement()) {
                if (!InstanceSql.inRecovery(s)) {
                    return;
                }
                if (System.nanoTime() > nextLog) {
                    try (ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp()")) {
                        rs.next();
                        LOG.infof("instance %s: replaying WAL, at %s (last transaction replayed committed %s)", instanceId,
                                rs.getString(1), rs.getString(2));
                    }
                    nextLog = System.nanoTime() + 10_000_000_000L;
                }
            } catch (SQLException e) {
                LOG.debugf("instance %s: not answering yet (%s)", instanceId, e.getMessage());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RestoreFailedException("interrupted");
            }
        }
        throw new RestoreFailedException("instance " + instanceId + " still replays WAL after 6 hours");
    }

    private String replayFailure(String instanceId, RestoreRequest request) {
        String log = recentLog(store.layout(instanceId).log());
        if (log.contains("recovery ended before configured recovery target was reached")) {
            return "the WAL archive of server " + request.sourceServerId() + " does not reach " + request.targetTime()
                    + " (replay ended before it); choose an earlier point in time";
        }
        return "PostgreSQL stopped while replaying WAL: " + log;
    }

    private static String recentLog(Path logDir) {
        try (var files = Files.list(logDir)) {
            Path newest = files.filter(Files::isRegularFile).max(java.util.Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElse(null);
            if (newest == null) {
                return "(no server log)";
            }
            List<String> lines = Files.readAllLines(newest);
            List<String> errors = lines.stream().filter(l -> l.contains("FATAL") || l.contains("PANIC") || l.contains("ERROR")
                    || l.contains("LOG:  recovery")).toList();
            List<String> pick = errors.isEmpty() ? lines : errors;
            return String.join(" | ", pick.subList(Math.max(0, pick.size() - 4), pick.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private Connection connect(String instanceId) throws SQLException {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        return sql.connect(store.layout(instanceId), record.port(), "postgres");
    }

    /** A restore of the instance runs already (409: the caller asks again). */
    public static final class RestoreInProgressException extends RuntimeException {
        public RestoreInProgressException(String message) {
            super(message);
        }
    }

    /** A restore that could not finish (damaged backup, WAL missing); the instance is left for deletion. */
    public static final class RestoreFailedException extends RuntimeException {
        public RestoreFailedException(String message) {
            super(message);
        }

        public RestoreFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
