package io.pgflex.backup.config;

import io.pgflex.repository.BackupStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/** The backup repository and keys, as every pgflex component reads them from configuration. */
@ApplicationScoped
public class Repository {
    private final BackupStore store = new BackupStore(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class),
            Path.of(System.getProperty("user.home"), ".pgflex", "backup-repository"));

    public BackupStore store() {
        return store;
    }

    @PreDestroy
    void close() {
        store.close();
    }
}
