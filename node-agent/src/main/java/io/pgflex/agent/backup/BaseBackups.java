package io.pgflex.agent.backup;

import io.pgflex.agent.archive.BackupStorage;
import io.pgflex.agent.archive.WalArchive;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.os.Streams;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.BackupJob;
import io.pgflex.contracts.agent.BackupRequest;
import io.pgflex.repository.BackupManifest.FileEntry;
import io.pgflex.repository.BackupManifest;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.repository.Sealed;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.jboss.logging.Logger;

/**
 * Base backups of a running primary straight into the repository: a non-exclusive
 * {@code pg_backup_start} (fast checkpoint) held on one connection, every data file read, compressed,
 * encrypted and uploaded by parallel workers (largest first, no local copy), {@code pg_backup_stop},
 * then a wait until the last WAL segment the backup needs is in the archive, and the manifest last:
 * a backup without a manifest never counts. Jobs are kept in memory; a restarted agent knows none
 * (backup-service then marks the backup failed and takes another).
 */
@ApplicationScoped
public class BaseBackups {
    private static final Logger LOG = Logger.getLogger(BaseBackups.class);
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,80}");

    private final InstanceStore store;
    private final InstanceSql sql;
    private final BackupStorage storage;
    private final WalArchive wal;
    private final Map<String, BackupJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "base-backup");
        t.setDaemon(true);
        return t;
    });

    public BaseBackups(InstanceStore store, InstanceSql sql, BackupStorage storage, WalArchive wal) {
        this.store = store;
        this.sql = sql;
        this.storage = storage;
        this.wal = wal;
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }

    public synchronized BackupJob start(String instanceId, BackupRequest request) {
        if (request == null || request.backupId() == null || !ID.matcher(request.backupId()).matches()) {
            throw new IllegalArgumentException("backupId must match [A-Za-z0-9._-]{1,80}");
        }
        BackupJob known = jobs.get(request.backupId());
        if (known != null) {
            return known;
        }
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        if (!store.running(instanceId)) {
            throw new InstanceNotRunningException(instanceId);
        }
        BackupJob job = new BackupJob(request.backupId(), instanceId, record.serverId(), "Running", null, "Starting",
                record.engineVersion(), 0, null, null, null, null, Instant.now(), null, 0, 0, 0);
        jobs.put(request.backupId(), job);
        runner.submit(() -> run(record, request, job));
        return job;
    }

    public java.util.Optional<BackupJob> get(String backupId) {
        return java.util.Optional.ofNullable(jobs.get(backupId));
    }

    private void step(BackupJob j, String step) {
        jobs.put(j.backupId(), new BackupJob(j.backupId(), j.instanceId(), j.serverId(), j.state(), null, step,
                j.engineVersion(), 0, null, null, null, null, j.startedAt(), null, 0, 0, 0));
    }

    private void run(InstanceRecord record, BackupRequest request, BackupJob job) {
        String id = record.instanceId();
        String serverId = record.serverId();
        InstanceLayout layout = store.layout(id);
        int major = Integer.parseInt(record.engineVersion().split("\\.")[0]);
        BackupRepository repo = storage.repository();
        long t0 = System.nanoTime();
        // set once the manifest is written: from then on the backup is whole, whatever happens to the connection
        BackupJob completed = null;
        try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
            SecretKey key = storage.dataKey(serverId);
            if (InstanceSql.inRecovery(s)) {
                throw new IllegalStateException("instance " + id + " is a standby: base backups are taken from the primary");
            }
            Instant startedAt = Instant.now();
            String label = "pgflex " + request.backupId();
            String startLsn;
            try (ResultSet rs = s.executeQuery(major >= 15 ? "SELECT pg_backup_start('" + label + "', true)::text"
                    : "SELECT pg_start_backup('" + label + "', true, false)::text")) {
                rs.next();
                startLsn = rs.getString(1);
            }
            String startWal = InstanceSql.one(s, "SELECT pg_walfile_name('" + startLsn + "'::pg_lsn)");
            int timeline = Integer.parseInt(startWal.substring(0, 8), 16);
            LOG.infof("instance %s: base backup %s started at %s (%s); copying files with %d workers", id,
                    request.backupId(), startLsn, startWal, storage.workers());
            step(job, "CopyingFiles");
            List<String> directories = directories(layout.pgdata());
            List<FileEntry> files = copyAll(layout.pgdata(), repo, key, serverId, request.backupId());
            step(job, "StoppingBackup");
            String stopLsn;
            String backupLabel;
            String spcmap;
            try (ResultSet rs = s.executeQuery(major >= 15 ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                    : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                stopLsn = rs.getString(1);
                backupLabel = rs.getString(2);
                spcmap = rs.getString(3);
            }
            Instant stoppedAt = Instant.now();
            String stopWal = InstanceSql.one(s, "SELECT pg_walfile_name('" + stopLsn + "'::pg_lsn)");
            step(job, "WaitingForWal");
            if (!wal.awaitArchived(serverId, stopWal, java.time.Duration.ofMinutes(10))) {
                throw new IllegalStateException("WAL file " + stopWal + " that the backup needs was not archived within"
                        + " 10 minutes (see the server log of instance " + id + " for archive_command errors)");
            }
            long size = files.stream().mapToLong(FileEntry::size).sum();
            long stored = files.stream().mapToLong(FileEntry::storedSize).sum();
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, serverId, request.backupId(), request.kind(),
                    record.engineVersion(), timeline, startLsn, stopLsn, startWal, stopWal, startedAt, stoppedAt, backupLabel,
                    spcmap == null || spcmap.isBlank() ? null : spcmap, size, stored, directories, files);
            manifest.write(repo, key);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.infof("instance %s: base backup %s completed: %d files, %d MiB read, %d MiB stored, %d ms (%.0f MiB/s), WAL %s..%s",
                    id, request.backupId(), files.size(), size >> 20, stored >> 20, ms, (size / 1048576.0) / Math.max(0.001, ms / 1000.0),
                    startWal, stopWal);
            completed = new BackupJob(request.backupId(), id, serverId, "Completed", null, "Completed",
                    record.engineVersion(), timeline, startLsn, stopLsn, startWal, stopWal, startedAt, stoppedAt, size, stored,
                    files.size());
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (completed != null) {
                // pg_backup_stop returned and the WAL it needs is archived: a connection that does not close cleanly
                // afterwards (the server was switched over or stopped meanwhile) takes nothing from the backup
                LOG.warnf("instance %s: base backup %s is complete; its SQL connection did not close cleanly: %s", id,
                        request.backupId(), message);
                jobs.put(request.backupId(), completed);
                return;
            }
            LOG.errorf("instance %s: base backup %s failed: %s", id, request.backupId(), message);
            try {
                repo.deletePrefix(RepositoryLayout.backup(serverId, request.backupId()));
            } catch (IOException | RuntimeException cleanup) {
                LOG.warnf("base backup %s: its partial files stay (%s); they have no manifest and are never used",
                        request.backupId(), cleanup.getMessage());
            }
            jobs.put(request.backupId(), new BackupJob(request.backupId(), id, serverId, "Failed", message, "Failed",
                    record.engineVersion(), 0, null, null, null, null, job.startedAt(), null, 0, 0, 0));
            return;
        }
        jobs.put(request.backupId(), completed); // only now: a job never reads Completed and then Failed
    }

    /** Every directory of the data directory a restore must create (empty ones too). */
    private static List<String> directories(Path pgdata) throws IOException {
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(pgdata)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!p.equals(pgdata) && Files.isDirectory(p) && !InstanceLayout.skipped(pgdata.relativize(p))) {
                    out.add(pgdata.relativize(p).toString());
                }
            }
        } catch (java.io.UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
        }
        Collections.sort(out);
        return out;
    }

    /** Every file to back up, largest first (so the biggest do not end up last on one worker). */
    private static List<Path> files(Path pgdata) throws IOException {
        List<Path> out = new ArrayList<>();
        try (var walk = Files.walk(pgdata)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(pgdata) || !Files.isRegularFile(p) || InstanceLayout.skipped(pgdata.relativize(p))) {
                    continue;
                }
                out.add(p);
            }
        }
        Map<Path, Long> sizes = new java.util.HashMap<>();
        for (Path p : out) {
            try {
                sizes.put(p, Files.size(p));
            } catch (NoSuchFileException gone) {
                sizes.put(p, 0L);
            }
        }
        out.sort(Comparator.comparing((Path p) -> sizes.get(p)).reversed());
        return out;
    }

    private List<FileEntry> copyAll(Path pgdata, BackupRepository repo, SecretKey key, String serverId, String backupId)
            throws Exception {
        List<Path> files = files(pgdata);
        List<FileEntry> entries = Collections.synchronizedList(new ArrayList<>());
        ExecutorService workers = Executors.newFixedThreadPool(storage.workers());
        try {
            java.util.concurrent.ConcurrentLinkedQueue<Path> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(files);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < storage.workers(); i++) {
                running.add(workers.submit(() -> {
                    for (Path p = queue.poll(); p != null; p = queue.poll()) {
                        FileEntry e = copy(pgdata, p, repo, key, serverId, backupId);
                        if (e != null) {
                            entries.add(e);
                        }
                    }
                    return null;
                }));
            }
            // every worker finishes its file before this returns: a failed backup's files are removed after
            Exception failure = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    queue.clear();
                    if (failure == null) {
                        failure = e.getCause() instanceof Exception ex ? ex : e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            workers.shutdownNow();
        }
        entries.sort(Comparator.comparing(FileEntry::path));
        return entries;
    }

    private FileEntry copy(Path pgdata, Path file, BackupRepository repo, SecretKey key, String serverId, String backupId)
            throws IOException {
        String rel = pgdata.relativize(file).toString();
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException gone) {
            return null; // dropped meanwhile (a table dropped during the backup): WAL replay does not need it
        }
        BackupRepository.Upload upload = repo.create(RepositoryLayout.dataFile(serverId, backupId, rel));
        Sealed.Writer w = Sealed.writer(upload, key, storage.zstdLevel());
        try (in) {
            Streams.copy(in, w);
        } catch (IOException | RuntimeException e) {
            upload.abort();
            w.discard();
            throw e;
        }
        w.close();
        return new FileEntry(rel, w.plainBytes(), w.storedBytes(), w.sha256Hex());
    }
}
