package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Quarkus test resource: a real node agent process (the packaged node-agent module) with its own
 * scratch data root, registered as agent {@code agent-1} of the service under test. Its PostgreSQL
 * instances are stopped and removed when the test JVM ends.
 */
public class NodeAgentResource implements QuarkusTestResourceLifecycleManager {
    public static final String TOKEN = "test-agent-token";
    /** Instance ports of test agents: apart from the local stack's 6000-6999. */
    static final int PORTS = 7000;
    private static ServiceProcess agent;
    private static Path root;

    /** The agent of this test JVM, started on first use. */
    public static synchronized ServiceProcess shared() {
        if (agent == null) {
            root = ScratchDirs.create("pgflex-test-agent-");
            port = KafkaBroker.freePort();
            agent = ServiceProcess.start("node-agent", port, env());
        }
        return agent;
    }

    private static int port;

    private static Map<String, String> env() {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers(),
                "PGFLEX_AGENT_ID", "agent-1",
                "PGFLEX_AGENT_ZONE", "1",
                "PGFLEX_AGENT_DATA_ROOT", root.resolve("agent").toString(),
                "PGFLEX_AGENT_TOKEN", TOKEN,
                "PGFLEX_AGENT_PORT_RANGE_START", Integer.toString(PORTS),
                "PGFLEX_AGENT_PORT_RANGE_END", Integer.toString(PORTS + 199)));
        String engineJars = System.getProperty("pgflex.engine-jars");
        if (engineJars != null) {
            env.put("PGFLEX_AGENT_ENGINES_DIR", Engines.unpack(Path.of(engineJars), root.resolve("engines")).toString());
        }
        return env;
    }

    /** Kills the agent process (SIGKILL) and starts it again on the same port and data root, as after a crash. */
    public static synchronized ServiceProcess crashAndRestart() {
        shared().kill();
        agent = ServiceProcess.start("node-agent", port, env());
        return agent;
    }

    public static Path dataRoot() {
        shared();
        return root.resolve("agent");
    }

    @Override
    public Map<String, String> start() {
        ServiceProcess a = shared();
        return Map.of("pgflex.provisioning.agents.agent-1.url", "http://127.0.0.1:" + a.port(),
                "pgflex.provisioning.agents.agent-1.zone", "1",
                "pgflex.provisioning.agent-token", TOKEN);
    }

    @Override
    public void stop() {
        // the agent lives as long as the test JVM (its scratch root is cleaned then)
    }
}
