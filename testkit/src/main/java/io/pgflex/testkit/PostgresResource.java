package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: a fresh database on the real PostgreSQL cluster of this test JVM, as the
 * default datasource. Each Quarkus application start gets its own database, so Flyway starts
 * from an empty schema.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private String hint = "pgflex";

    @Override
    public void init(Map<String, String> initArgs) {
        hint = initArgs.getOrDefault("database", hint);
    }

    @Override
    public Map<String, String> start() {
        PostgresCluster cluster = PostgresCluster.shared();
        String database = cluster.createDatabase(hint);
        return Map.of(
                "quarkus.datasource.jdbc.url", cluster.jdbcUrl(database),
                "quarkus.datasource.username", cluster.username(),
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        // the cluster lives as long as the test JVM
    }
}
