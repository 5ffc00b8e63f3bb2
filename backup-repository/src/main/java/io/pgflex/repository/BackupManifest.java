package io.pgflex.repository;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * What a base backup holds: every file with its size and SHA-256, the WAL range it needs
 * (startWal..stopWal on {@code timeline}), when it ran, pg_backup_stop's backup_label, and the
 * directories to create (empty ones included). Stored
 * sealed like everything else, written after the last file.
 */
public record BackupManifest(int format, String serverId, String backupId, String kind, String engineVersion,
                             int timeline, String startLsn, String stopLsn, String startWal, String stopWal,
                             Instant startedAt, Instant stoppedAt, String backupLabel, String tablespaceMap,
                             long sizeBytes, long storedBytes, List<String> directories, List<FileEntry> files) {

    public static final int FORMAT = 1;

    /** One data-directory file: plaintext size and digest, and what it takes in the repository. */
    public record FileEntry(String path, long size, long storedSize, String sha256) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(BackupRepository repo, SecretKey key) throws IOException {
        repo.put(RepositoryLayout.manifest(serverId, backupId), Sealed.seal(JSON.writeValueAsBytes(this), key, 3));
    }

    public static BackupManifest read(BackupRepository repo, SecretKey key, String serverId, String backupId)
            throws IOException {
        return JSON.readValue(Sealed.unseal(repo.read(RepositoryLayout.manifest(serverId, backupId)), key),
                BackupManifest.class);
    }

    /** Every finished backup of the server (those with a manifest), oldest first. */
    public static List<BackupManifest> all(BackupRepository repo, SecretKey key, String serverId) throws IOException {
        String prefix = RepositoryLayout.backupsPrefix(serverId);
        List<BackupManifest> out = new java.util.ArrayList<>();
        for (BackupRepository.Entry e : repo.list(prefix)) {
            String rest = e.key().substring(prefix.length());
            if (rest.endsWith("/manifest") && rest.indexOf('/') == rest.length() - "/manifest".length()) {
                out.add(read(repo, key, serverId, rest.substring(0, rest.indexOf('/'))));
            }
        }
        out.sort(java.util.Comparator.comparing(BackupManifest::stoppedAt));
        return out;
    }
}
