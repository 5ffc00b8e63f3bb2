package io.pgflex.repository;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.SecretKey;
import org.jboss.logging.Logger;

/**
 * The repository and the keys as one component uses them: opened on first use from configuration
 * ({@code pgflex.backup.repository.*}, the master keys of {@link MasterKeys}), the same in every component.
 */
public final class BackupStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BackupStore.class);
    private final Function<String, Optional<String>> config;
    private final Path defaultPath;
    private volatile BackupRepository repository;
    private volatile KeyRing keys;

    public BackupStore(Function<String, Optional<String>> config, Path defaultPath) {
        this.config = config;
        this.defaultPath = defaultPath;
    }

    public BackupRepository repository() {
        BackupRepository r = repository;
        if (r == null) {
            synchronized (this) {
                if (repository == null) {
                    repository = RepositoryConfig.read(config, defaultPath).open();
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
                    keys = MasterKeys.ring(config);
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

    /** The data key of a server that must already have something in the repository (reading never makes one). */
    public SecretKey existingDataKey(String serverId) throws IOException {
        try {
            return keys().existingDataKey(repository(), serverId);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("server " + serverId + " has nothing in the backup repository");
        }
    }

    /** Wraps every server's data key under the current master key (a rotation); see {@link KeyRing#rewrap}. */
    public KeyRing.Rewrapped rewrap() throws IOException {
        return keys().rewrap(repository());
    }

    @Override
    public void close() {
        if (repository != null) {
            repository.close();
        }
    }
}
