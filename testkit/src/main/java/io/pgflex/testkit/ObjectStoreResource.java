package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Quarkus test resource that starts a real object store for the backup repository (init arg
 * {@code kind}: {@code s3} for s3proxy, {@code azure} for Azurite) and points
 * {@code pgflex.backup.repository.*} at it. The store's data directory is in the system property
 * {@value #DATA_DIR} for tests that look at the stored bytes.
 */
public class ObjectStoreResource implements QuarkusTestResourceLifecycleManager {
    public static final String DATA_DIR = "pgflex.test.object-store.data";
    private String kind = "s3";
    private ObjectStores.Store store;

    @Override
    public void init(Map<String, String> initArgs) {
        kind = initArgs.getOrDefault("kind", "s3");
    }

    @Override
    public Map<String, String> start() {
        Path dir = ScratchDirs.create("pgflex-test-" + kind + "-");
        store = "azure".equals(kind) ? ObjectStores.azurite(dir) : ObjectStores.s3proxy(dir);
        System.setProperty(DATA_DIR, store.dataDir().toString());
        return store.settings();
    }

    @Override
    public void stop() {
        if (store != null) {
            store.close();
        }
        System.clearProperty(DATA_DIR);
    }
}
