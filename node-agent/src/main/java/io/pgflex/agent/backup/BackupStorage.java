package io.pgflex.agent.backup;

import io.pgflex.agent.AgentConfig;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.KeyRing;
import io.pgflex.repository.RepositoryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The backup repository as this agent writes to it ({@code pgflex.backup.repository.*}, the same
 * settings backup-service reads), the master key that wraps each server's data key, and how hard to
 * work (zstd level, parallel workers).
 */
@ApplicationScoped
public class BackupStorage {
    private static final Logger LOG = Logger.getLogger(BackupStorage.class);

    private final AgentConfig config;
    private final java.util.Optional<String> masterKey;
    private final int zstdLevel;
    private final int workers;
    private volatile BackupRepository repository;
    private volatile KeyRing keys;

    public BackupStorage(AgentConfig config,
                         @ConfigProperty(name = "pgflex.backup.master-key") java.util.Optional<String> masterKey,
                         @ConfigProperty(name = "pgflex.backup.zstd-level", defaultValue = "1") int zstdLevel,
                         @ConfigProperty(name = "pgflex.backup.workers", defaultValue = "2") int workers) {
        this.config = config;
        this.masterKey = masterKey;
        this.zstdLevel = zstdLevel;
        this.workers = workers;
    }

    public BackupRepository repository() {
        BackupRepository r = repository;
        if (r == null) {
            synchronized (this) {
                if (repository == null) {
                    RepositoryConfig c = RepositoryConfig.read(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class),
                            config.dataRoot().resolve("backup-repository"));
                    repository = c.open();
                    LOG.infof("backup repository: %s", repository.describe());
                }
                r = repository;
            }
        }
        return r;
    }

    private KeyRing keys() {
        KeyRing k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = new KeyRing(masterKey.orElseThrow(() -> new IllegalStateException(
                            "pgflex.backup.master-key is not set: WAL archiving and backups need it")));
                }
                k = keys;
            }
        }
        return k;
    }

    /** The server's data key, made (and stored wrapped) on first use. */
    public SecretKey dataKey(String serverId) throws IOException {
        return keys().dataKey(repository(), serverId);
    }

    /** The data key of a server that must already have backups (restores never make one). */
    public SecretKey existingDataKey(String serverId) throws IOException {
        try {
            return keys().existingDataKey(repository(), serverId);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("server " + serverId + " has nothing in the backup repository");
        }
    }

    public int zstdLevel() {
        return zstdLevel;
    }

    public int workers() {
        return Math.max(1, workers);
    }
}
