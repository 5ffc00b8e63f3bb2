package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quarkus test resource for node agents under test in the JVM: a fresh data root
 * ({@code pgflex.agent.data-root}) in a scratch directory, so every PostgreSQL instance a test
 * creates is stopped and removed when the test JVM ends, whatever the test left behind; the
 * agent's certificate (CN {@code node-agent.agent-1}) from the test {@link Pki} and its HTTPS port.
 */
public class AgentDataRootResource implements QuarkusTestResourceLifecycleManager {
    private static volatile int port;
    private Path root;

    @Override
    public Map<String, String> start() {
        root = ScratchDirs.create("pgflex-test-agent-");
        port = KafkaBroker.freePort();
        Map<String, String> config = new LinkedHashMap<>(Pki.config(NodeAgentResource.identity("agent-1")));
        config.put("pgflex.agent.data-root", root.resolve("agent").toString());
        config.put("pgflex.agent.probe-secret", NodeAgentResource.probeSecret());
        config.put("quarkus.http.test-ssl-port", Integer.toString(port));
        return config;
    }

    /** RestAssured calls to the agent under test as component {@code caller} (null: without a client certificate). */
    public static io.restassured.specification.RequestSpecification as(String caller) {
        return Pki.as(caller, "https://127.0.0.1:" + port);
    }

    /** The agent's HTTPS port. */
    public static int port() {
        return port;
    }

    @Override
    public void stop() {
        if (root != null) {
            ScratchDirs.clean(root);
        }
    }
}
