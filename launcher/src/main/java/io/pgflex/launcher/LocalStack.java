package io.pgflex.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local stack's topology and what each of its processes is started with: the services on this
 * machine, agent-1 (zone 1) and agent-2 (zone 2) on loopback with agent-1 running the router, or, in the
 * hosts layout, both agents on hosts of their own and the router on its own agent on this side. Pure:
 * secrets come through {@link Secrets}.
 */
public final class LocalStack {
    /** The five services, in the order they start. */
    public static final List<String> SERVICES =
            List.of("provisioning-service", "ha-service", "backup-service", "maintenance-service", "monitoring-service");

    /**
     * A process of the stack: {@code launch} becomes its environment ({@code config/<name>.env}), {@code file} its
     * configuration file ({@code config/<configName>.properties}, 0600: it holds its secrets).
     */
    public record Component(String name, String configName, Settings launch, Settings file) {
    }

    private final StackPorts ports;
    private final Path home;
    /** The stack's secrets by file name under {@code secrets/}. */
    public interface Secrets {
        String get(String name);

        boolean exists(String name);
    }

    private final Secrets secret;

    public LocalStack(StackPorts ports, Path home, Secrets secret) {
        this.ports = ports;
        this.home = home;
        this.secret = secret;
    }

    /** Where the broker is reached: the bridge's address in the hosts layout (the agents are on the other side). */
    public String kafkaHost() {
        return ports.hostsLayout() ? ports.hostsNet() + ".1" : "127.0.0.1";
    }

    public Topology topology() {
        List<AgentSpec> agents = new ArrayList<>();
        boolean hosts = ports.hostsLayout();
        agents.add(new AgentSpec("agent-1", "1", hosts ? ports.hostsNet() + ".11" : "127.0.0.1", ports.port("AGENT_PORT"),
                ports.port("AGENT_CHECK_PORT"), 6000, 6499, !hosts, true));
        agents.add(new AgentSpec("agent-2", "2", hosts ? ports.hostsNet() + ".12" : "127.0.0.1", ports.port("AGENT2_PORT"),
                ports.port("AGENT2_CHECK_PORT"), 6500, 6999, false, true));
        if (hosts) {
            // the router runs on its own agent on this side of the hosts: no instances there
            agents.add(new AgentSpec("router", "0", "127.0.0.1", ports.port("ROUTER_AGENT_PORT"), ports.port("ROUTER_CHECK_PORT"),
                    5900, 5999, true, false));
        }
        return new Topology(agents, kafkaHost() + ":" + ports.port("KAFKA_PORT"), "localhost",
                ports.port("ENDPOINT_PORT_START"), hosts ? "router" : "agent-1");
    }

    /** Every process of the stack but the broker, the control-plane PostgreSQL and the gateway. */
    public List<Component> components() {
        Topology t = topology();
        List<Component> all = new ArrayList<>();
        for (String m : SERVICES) {
            all.add(service(t, m));
        }
        for (AgentSpec a : t.agents()) {
            all.add(agent(t, a));
        }
        return all;
    }

    /** The process name of an agent ({@code ./pgflex logs node-agent-2}). */
    public static String processName(AgentSpec a) {
        return switch (a.id()) {
            case "agent-1" -> "node-agent";
            case "agent-2" -> "node-agent-2";
            default -> "node-agent-" + a.id();
        };
    }

    private Component service(Topology t, String module) {
        Path pki = home.resolve("pki");
        String db = ControlDb.database(module);
        int port = ports.port(db.toUpperCase(java.util.Locale.ROOT) + "_PORT");
        String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.port("CONTROLDB_PORT") + "/" + db + "?sslmode=verify-full&sslrootcert="
                + pki.resolve("ca.crt");
        Settings file = new Settings().comment("written by ./pgflex up (io.pgflex.launcher.ServiceSettings)")
                .putAll(ServiceSettings.tls(pki, module));
        switch (module) {
            case "provisioning-service" -> file.putAll(ServiceSettings.provisioning(t));
            case "ha-service" -> file.putAll(ServiceSettings.ha(t, secret.get("probe-secret")));
            case "backup-service" -> file.putAll(ServiceSettings.backup(t, home.resolve("backup-repository")))
                    .putAll(masterKey());
            case "maintenance-service" -> file.putAll(ServiceSettings.maintenance(t));
            // a local stack's alert webhooks may call this machine
            case "monitoring-service" -> file.putAll(ServiceSettings.monitoring(true));
            default -> {
            }
        }
        file.comment("this service's control-plane password (its own role and database)")
                .put("quarkus.datasource.password", secret.get("controldb-" + db));
        Path config = home.resolve("config").resolve(module + ".properties");
        Settings launch = ServiceSettings.service(port, t.kafkaBootstrap(), jdbc, db, home.resolve("secrets/jwks.json"))
                .put("quarkus.config.locations", config);
        return new Component(module, module, launch, file);
    }

    private Component agent(Topology t, AgentSpec a) {
        String configName = "node-agent-" + (a.id().startsWith("agent-") ? a.id().substring("agent-".length()) : a.id());
        Settings file = new Settings().comment("written by ./pgflex up (io.pgflex.launcher.ServiceSettings): secrets in files only")
                .putAll(ServiceSettings.tls(home.resolve("pki"), a.identity()))
                .putAll(ServiceSettings.agentProbeSecret(secret.get("probe-secret")))
                .putAll(masterKey());
        Settings launch = ServiceSettings.nodeAgent(a, t.kafkaBootstrap(), home.resolve("agents").resolve(a.id()),
                        home.resolve("backup-repository"), Optional.of(home.resolve("engines")))
                .put("quarkus.http.host", "127.0.0.1")
                .putAll(ServiceSettings.agentEndpointHosts(t.endpointHost()));
        if (ports.hostsLayout() && a.instances()) {
            launch.putAll(ServiceSettings.agentOnHost(a.host(), ports.hostsNet() + ".0/24", kafkaHost()));
        }
        launch.put("quarkus.config.locations", home.resolve("config").resolve(configName + ".properties"));
        return new Component(processName(a), configName, launch, file);
    }

    private Settings masterKey() {
        Path key = home.resolve("secrets/backup-master-key");
        Path previous = home.resolve("secrets/backup-master-key.previous");
        return ServiceSettings.backupMasterKey(key, secret.exists("backup-master-key.previous")
                ? Optional.of(previous) : Optional.empty());
    }
}
