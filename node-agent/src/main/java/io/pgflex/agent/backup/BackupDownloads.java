package io.pgflex.agent.backup;

import io.pgflex.agent.archive.BackupStorage;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.os.Streams;
import io.pgflex.repository.BackupManifest;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.repository.Sealed;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;

/**
 * A base backup's files into a data directory: downloaded in parallel (largest first), each file's digest checked
 * against the manifest (a damaged backup fails loudly), then what PostgreSQL needs beside them to replay.
 */
@ApplicationScoped
public class BackupDownloads {
    private final BackupStorage storage;

    public BackupDownloads(BackupStorage storage) {
        this.storage = storage;
    }

    public void download(BackupRepository repo, SecretKey key, BackupManifest backup, Path target) throws IOException {
        for (String dir : backup.directories()) {
            Files.createDirectories(target.resolve(dir));
        }
        ExecutorService workers = Executors.newFixedThreadPool(storage.workers());
        try {
            var queue = new java.util.concurrent.ConcurrentLinkedQueue<>(backup.files().stream()
                    .sorted(java.util.Comparator.comparingLong(BackupManifest.FileEntry::storedSize).reversed()).toList());
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < storage.workers(); i++) {
                running.add(workers.submit(() -> {
                    for (var f = queue.poll(); f != null; f = queue.poll()) {
                        fetch(repo, key, backup, f, target);
                    }
                    return null;
                }));
            }
            // every worker finishes its file before this returns: the caller then removes the directory they write in
            IOException failure = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    queue.clear();
                    if (failure == null) {
                        failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static void fetch(BackupRepository repo, SecretKey key, BackupManifest backup, BackupManifest.FileEntry f,
                              Path target) throws IOException {
        Path out = target.resolve(f.path()).normalize();
        if (!out.startsWith(target)) {
            throw new IOException("file outside the data directory in the manifest: " + f.path());
        }
        Files.createDirectories(out.getParent());
        MessageDigest digest = sha256();
        try (InputStream in = Sealed.open(repo.open(RepositoryLayout.dataFile(backup.serverId(), backup.backupId(), f.path())), key);
             OutputStream o = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out), 256 << 10),
                     digest)) {
            Streams.copy(in, o);
        } catch (Sealed.TamperedException e) {
            throw new Sealed.TamperedException("file " + f.path() + " of backup " + backup.backupId() + " is damaged: "
                    + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(f.sha256())) {
            throw new Sealed.TamperedException("file " + f.path() + " of backup " + backup.backupId()
                    + " does not match its recorded digest");
        }
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
    }

    /** What PostgreSQL needs beside the files: the backup label, empty runtime directories, recovery.signal. */
    public static void prepare(BackupManifest backup, Path pgdata) throws IOException {
        for (String dir : InstanceLayout.EMPTY_DIRS) {
            Files.createDirectories(pgdata.resolve(dir));
        }
        Files.createDirectories(pgdata.resolve("pg_wal").resolve("archive_status"));
        Files.writeString(pgdata.resolve("backup_label"), backup.backupLabel(), StandardCharsets.UTF_8);
        if (backup.tablespaceMap() != null) {
            Files.writeString(pgdata.resolve("tablespace_map"), backup.tablespaceMap(), StandardCharsets.UTF_8);
        }
        Files.writeString(pgdata.resolve("recovery.signal"), "");
        try (var walk = Files.walk(pgdata)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
