package io.pgflex.testkit;

import io.pgflex.launcher.AgentSpec;
import io.pgflex.launcher.ServiceSettings;
import io.pgflex.launcher.Settings;
import io.pgflex.launcher.Topology;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quarkus test resource: real node agent processes (the packaged node-agent module), each with its
 * own scratch data root. {@code agent-1} (zone 1) has the router role (HAProxy: the servers' stable
 * endpoints) and is registered with the service under test; {@code agent-2} (zone 2) is started on
 * demand for tests that need a second host. Their PostgreSQL instances, PgBouncers and HAProxy are
 * stopped and removed when the test JVM ends.
 */
public class NodeAgentResource implements QuarkusTestResourceLifecycleManager {
    /**
     * The probe role's password on this JVM's agents (and ha-service): random, kept across Quarkus
     * class-loader restarts (the agents outlive them).
     */
    public static synchronized String probeSecret() {
        String known = System.getProperty("pgflex.test.probe-secret");
        if (known == null) {
            byte[] b = new byte[18];
            new java.security.SecureRandom().nextBytes(b);
            known = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            System.setProperty("pgflex.test.probe-secret", known);
        }
        return known;
    }

    /** The certificate identity (CN) of agent {@code id}. */
    public static String identity(String id) {
        return "node-agent." + id;
    }

    /** RestAssured calls to agent {@code id} as component {@code caller} (e.g. "ha-service"; null: no certificate). */
    public static io.restassured.specification.RequestSpecification call(String id, String caller) {
        return Pki.as(caller, url(AGENTS.get(id)));
    }

    /** The address agent {@code id} and its instances are reached at (127.0.0.1, or its test host's). */
    public static String address(String id) {
        return AGENTS.get(id).address();
    }

    /** The router-only agent of separate test hosts ({@link NetHosts}): on the platform side, no instances. */
    public static final String ROUTER = "agent-r";

    private static String url(Agent a) {
        return "https://" + a.address() + ":" + a.port();
    }
    /** Instance ports of test agents: apart from the local stack's 6000-6999 (PgBouncers: + 1000). */
    static final int PORTS = 7000;
    /** Endpoint ports the test router hands out: apart from the local stack's 15000-15499 (PgBouncer: + 1000). */
    public static final int ENDPOINT_PORTS = 17000;
    /** The backup master key of test stacks (32 bytes, base64): agents and backup-service share it. */
    public static final String BACKUP_MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLXBnZmxleC10ZXN0cyE=";
    private static Path backupRepository;

    /** The filesystem backup repository the test agents (and backup-service) of this JVM share. */
    public static synchronized Path backupRepository() {
        if (backupRepository == null) {
            String known = System.getProperty("pgflex.test.backup-repository");
            backupRepository = known != null ? Path.of(known) : ScratchDirs.create("pgflex-test-backups-");
            System.setProperty("pgflex.test.backup-repository", backupRepository.toString());
        }
        return backupRepository;
    }

    /**
     * @param netHost the test host it runs on ({@link NetHosts}); null: this machine's loopback, as the local stack
     */
    private record Agent(String id, String zone, int portBase, boolean router, Path root, int port, int checkPort,
                         String netHost) {
        String address() {
            return netHost == null ? "127.0.0.1" : NetHosts.shared().address(netHost);
        }

        List<String> prefix() {
            return netHost == null ? List.of() : NetHosts.shared().exec(netHost);
        }

        boolean instances() {
            return !ROUTER.equals(id);
        }
    }

    private static final Map<String, Agent> AGENTS = new LinkedHashMap<>();
    private static final Map<String, ServiceProcess> PROCESSES = new LinkedHashMap<>();

    /** The router agent (agent-1, zone 1) of this test JVM, started on first use. */
    /** Bytes of one storage GiB on test agents: 8 MiB. */
    public static final long STORAGE_UNIT_BYTES = 8L << 20;

    public static synchronized ServiceProcess shared() {
        if (NetHosts.enabled()) {
            // separate hosts: the router runs on the platform side, apart from the database hosts it routes to
            agent(ROUTER, "0", PORTS + 400, true, null);
            return agent("agent-1", "1", PORTS, false, "h1");
        }
        return agent("agent-1", "1", PORTS, true, null);
    }

    /** A second host: agent-2 in zone 2, started on first use. */
    public static synchronized ServiceProcess second() {
        return agent("agent-2", "2", PORTS + 200, false, NetHosts.enabled() ? "h2" : null);
    }

    private static ServiceProcess agent(String id, String zone, int portBase, boolean router, String netHost) {
        ServiceProcess running = PROCESSES.get(id);
        if (running != null) {
            return running;
        }
        // started by this JVM under another class loader (a Quarkus restart loads test resources, and
        // with them the broker, again): the same agent, data root and router, on the current broker
        String key = "pgflex.test.agent." + id;
        String known = System.getProperty(key);
        if (known != null) {
            String[] f = known.split("\\|");
            Agent a = new Agent(id, zone, portBase, router, Path.of(f[3]), Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                    netHost);
            AGENTS.put(id, a);
            var attached = ServiceProcess.attach("node-agent", a.address(), a.port(), Long.parseLong(f[2]));
            if (attached.isPresent() && f[4].equals(KafkaBroker.shared().bootstrapServers())) {
                PROCESSES.put(id, attached.get());
                return attached.get();
            }
            attached.ifPresent(ServiceProcess::kill);
            return register(key, a, launch(a));
        }
        Agent a = new Agent(id, zone, portBase, router, ScratchDirs.create("pgflex-test-" + id + "-"), KafkaBroker.freePort(),
                KafkaBroker.freePort(), netHost);
        AGENTS.put(id, a);
        return register(key, a, launch(a));
    }

    private static ServiceProcess launch(Agent a) {
        return ServiceProcess.start("node-agent", identity(a.id()), a.address(), a.prefix(), a.port(), env(a));
    }

    private static ServiceProcess register(String key, Agent a, ServiceProcess p) {
        PROCESSES.put(a.id(), p);
        System.setProperty(key, a.port() + "|" + a.checkPort() + "|" + p.pid() + "|" + a.root() + "|"
                + KafkaBroker.shared().bootstrapServers());
        return p;
    }

    /** The agent as the shared settings see it (launcher's {@link AgentSpec}). */
    private static AgentSpec spec(Agent a) {
        return new AgentSpec(a.id(), a.zone(), a.address(), a.port(), a.checkPort(), a.portBase(), a.portBase() + 199, a.router(),
                a.instances());
    }

    /** The name the tests' clients reach every endpoint at (provisioning's endpoint host, the agents' certificates). */
    private static final String ENDPOINT_HOST = "localhost";

    /** The agents started so far as a topology (the router is agent-1, or the router's own agent on separate hosts). */
    private static Topology topology() {
        return new Topology(AGENTS.values().stream().map(NodeAgentResource::spec).toList(), KafkaBroker.shared().bootstrapServers(),
                ENDPOINT_HOST, ENDPOINT_PORTS, NetHosts.enabled() ? ROUTER : "agent-1");
    }

    private static Map<String, String> env(Agent a) {
        KafkaBroker.shared().allowAgent(a.id()); // its Kafka principal's ACLs, as the local stack's setup grants them
        String engineJars = System.getProperty("pgflex.engine-jars");
        // the settings the local stack launches its agents with (launcher's ServiceSettings), then the tests' own
        Settings settings = ServiceSettings.nodeAgent(spec(a), KafkaBroker.shared().bootstrapServers(), a.root().resolve("agent"),
                backupRepository(), java.util.Optional.ofNullable(engineJars)
                        .map(j -> Engines.unpack(Path.of(j), a.root().resolve("engines"))));
        settings.putAll(ServiceSettings.agentProbeSecret(probeSecret())).putAll(ServiceSettings.agentEndpointHosts(ENDPOINT_HOST));
        if (a.netHost() != null) {
            NetHosts hosts = NetHosts.shared();
            settings.putAll(ServiceSettings.agentOnHost(a.address(), hosts.subnet(), hosts.platformAddress()));
        }
        Map<String, String> env = new java.util.HashMap<>(settings.asEnv());
        // the port and address ServiceProcess gives it
        env.remove("QUARKUS_HTTP_SSL_PORT");
        env.remove("QUARKUS_HTTP_HOST");
        env.put("PGFLEX_AGENT_SOCKET_DIR", a.root().resolve("s").toString());
        env.put("PGFLEX_BACKUP_MASTER_KEY", BACKUP_MASTER_KEY);
        // metrics every 2 s, and a storage "GiB" of 8 MiB (a 32 GiB server fills at 256 MiB): tests see
        // minutes of metrics and storage protection in seconds (-Dpgflex.test.storage-unit-bytes to change)
        env.put("PGFLEX_AGENT_METRICS_INTERVAL", "2s");
        env.put("PGFLEX_AGENT_STORAGE_UNIT_BYTES", System.getProperty("pgflex.test.storage-unit-bytes", Long.toString(STORAGE_UNIT_BYTES)));
        // the hard stop beyond the storage (StorageLimitTest proves it at 100 %) sits at 150 % here: the
        // e2e fill tests write in 4 MiB steps of a 256 MiB server and must see the read-only path at 95 %
        // first, which reaches the agents through monitoring and provisioning seconds later
        env.put("PGFLEX_AGENT_STORAGE_LIMIT_PERCENT", "150");
        return env;
    }

    /** Kills agent-1 (SIGKILL) and starts it again on the same port and data root, as after a crash. */
    public static synchronized ServiceProcess crashAndRestart() {
        return crashAndRestart("agent-1");
    }

    public static synchronized ServiceProcess crashAndRestart(String id) {
        Agent a = AGENTS.get(id);
        PROCESSES.get(id).kill();
        return register("pgflex.test.agent." + id, a, launch(a));
    }

    /** The running process of agent {@code id}. */
    public static synchronized ServiceProcess process(String id) {
        return PROCESSES.get(id);
    }

    public static Path dataRoot() {
        return dataRoot("agent-1");
    }

    public static Path dataRoot(String id) {
        return AGENTS.get(id).root().resolve("agent");
    }

    /** The directory of PostgreSQL engines agent {@code id} runs ({@code <major.minor>/bin}), which it reads afresh on each use. */
    public static Path enginesDir(String id) {
        return AGENTS.get(id).root().resolve("engines");
    }

    /** The ids of the agents that hold instances. */
    public static synchronized java.util.List<String> instanceAgentIds() {
        return topology().instanceAgents().stream().map(AgentSpec::id).toList();
    }

    /** The Unix socket directory of an agent's instances. */
    public static Path socketDir(String id) {
        return AGENTS.get(id).root().resolve("s");
    }

    /** How a service reaches the started agents and the router, as configuration properties. */
    public static synchronized Map<String, String> provisioningConfig() {
        shared();
        Map<String, String> config = new LinkedHashMap<>(ServiceSettings.provisioning(topology()).asMap());
        config.putAll(Pki.config("provisioning-service"));
        return config;
    }

    /** How ha-service reaches the started agents, as configuration properties. */
    public static synchronized Map<String, String> haConfig() {
        shared();
        Map<String, String> config = new LinkedHashMap<>(ServiceSettings.ha(topology(), probeSecret()).asMap());
        config.putAll(Pki.config("ha-service"));
        return config;
    }

    /** How maintenance-service reaches the started agents, as configuration properties. */
    public static synchronized Map<String, String> maintenanceConfig() {
        shared();
        Map<String, String> config = new LinkedHashMap<>(ServiceSettings.maintenance(topology()).asMap());
        config.putAll(Pki.config("maintenance-service"));
        return config;
    }

    /** How backup-service reaches the started agents and the repository they write, as configuration properties. */
    public static synchronized Map<String, String> backupConfig() {
        shared();
        Map<String, String> config = new LinkedHashMap<>(ServiceSettings.backup(topology(), backupRepository()).asMap());
        config.putAll(Pki.config("backup-service"));
        config.put("pgflex.backup.master-key", BACKUP_MASTER_KEY);
        return config;
    }

    @Override
    public Map<String, String> start() {
        return provisioningConfig();
    }

    @Override
    public void stop() {
        // the agents live as long as the test JVM (their scratch roots are cleaned then)
    }
}
