package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Quarkus test resource for node agents: a fresh data root ({@code pgflex.agent.data-root}) in a
 * scratch directory, so every PostgreSQL instance a test creates is stopped and removed when the
 * test JVM ends, whatever the test left behind.
 */
public class AgentDataRootResource implements QuarkusTestResourceLifecycleManager {
    private Path root;

    @Override
    public Map<String, String> start() {
        root = ScratchDirs.create("pgflex-test-agent-");
        return Map.of("pgflex.agent.data-root", root.resolve("agent").toString());
    }

    @Override
    public void stop() {
        if (root != null) {
            ScratchDirs.clean(root);
        }
    }
}
