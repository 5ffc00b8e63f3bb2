package io.pgflex.agent.archive;

import io.pgflex.agent.AgentConfig;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.BackupStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The backup repository as this agent writes to it ({@code pgflex.backup.repository.*}, the same
 * settings backup-service reads), the master key that wraps each server's data key, and how hard to
 * work (zstd level, parallel workers).
 */
@ApplicationScoped
public class BackupStorage {
    private final BackupStore store;
    private final int zstdLevel;
    private final int workers;

    public BackupStorage(AgentConfig config,
                         @ConfigProperty(name = "pgflex.backup.zstd-level", defaultValue = "1") int zstdLevel,
                         @ConfigProperty(name = "pgflex.backup.workers", defaultValue = "2") int workers) {
        this.store = new BackupStore(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class),
                config.dataRoot().resolve("backup-repository"));
        this.zstdLevel = zstdLevel;
        this.workers = workers;
    }

    @PreDestroy
    void close() {
        store.close();
    }

    public BackupRepository repository() {
        return store.repository();
    }

    public SecretKey dataKey(String serverId) throws IOException {
        return store.dataKey(serverId);
    }

    public SecretKey existingDataKey(String serverId) throws IOException {
        return store.existingDataKey(serverId);
    }

    public int zstdLevel() {
        return zstdLevel;
    }

    public int workers() {
        return Math.max(1, workers);
    }
}
