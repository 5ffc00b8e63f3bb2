package io.pgflex.launcher;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Every component's settings, rendered from the topology: the one place a setting of a service or a
 * node agent is added. {@code ./pgflex} writes them (through {@link Launcher}) and testkit starts its
 * processes with them, so the local stack and the tests cannot drift apart. Pure: no file is read or written here.
 */
public final class ServiceSettings {
    private ServiceSettings() {
    }

    /** A component's certificate and key, and the platform CA: mutual TLS on every hop. */
    public static Settings tls(Path pki, String identity) {
        return new Settings().comment("this component's certificate and key, and the platform CA (mutual TLS on every hop)")
                .put("pgflex.tls.cert", pki.resolve(identity + ".crt"))
                .put("pgflex.tls.key", pki.resolve(identity + ".key"))
                .put("pgflex.tls.ca", pki.resolve("ca.crt"))
                .put("pgflex.tls.pem", pki.resolve(identity + ".pem"));
    }

    /** How a service is launched: its port, the broker, its own control-plane database and role, the API keys it trusts. */
    public static Settings service(int port, String kafkaBootstrap, String jdbcUrl, String user, Path jwks) {
        return new Settings()
                .put("quarkus.http.ssl-port", port)
                .put("quarkus.http.host", "127.0.0.1")
                .put("kafka.bootstrap-servers", kafkaBootstrap)
                .put("quarkus.datasource.jdbc.url", jdbcUrl)
                .put("quarkus.datasource.username", user)
                .put("mp.jwt.verify.publickey.location", jwks);
    }

    /** provisioning-service: every agent (instances are placed on those that take them) and the stable endpoints. */
    public static Settings provisioning(Topology t) {
        Settings s = new Settings().comment("the node agents of this platform");
        for (AgentSpec a : t.agents()) {
            s.put("pgflex.provisioning.agents." + a.id() + ".url", a.url());
            s.put("pgflex.provisioning.agents." + a.id() + ".zone", a.zone());
            s.put("pgflex.provisioning.agents." + a.id() + ".instances", a.instances());
        }
        return s.comment("stable endpoints: the router gives each server a port in this range; its PgBouncer answers on that port + 1000")
                .put("pgflex.provisioning.endpoint.host", t.endpointHost())
                .put("pgflex.provisioning.endpoint.port-range-start", t.endpointPortStart())
                .put("pgflex.provisioning.endpoint.port-range-end", t.endpointPortStart() + Topology.ENDPOINT_PORTS - 1)
                .put("pgflex.provisioning.endpoint.router-agent", t.routerAgent());
    }

    /** ha-service: the agents instances run on, and the secret each server's probe password is derived from. */
    public static Settings ha(Topology t, String probeSecret) {
        Settings s = new Settings().comment("the node agents primaries and standbys run on");
        for (AgentSpec a : t.instanceAgents()) {
            s.put("pgflex.ha.agents." + a.id() + ".url", a.url());
            s.put("pgflex.ha.agents." + a.id() + ".zone", a.zone());
        }
        return s.comment("the platform's probe secret: each server's probe role (pgflex_probe, SQL over TLS) has a password")
                .comment("derived from it and the server's id, which the agents set and ha-service logs in with")
                .put("pgflex.ha.probe-secret", probeSecret);
    }

    /** maintenance-service: the agents whose engines make the catalogue and whose instances it patches. */
    public static Settings maintenance(Topology t) {
        Settings s = new Settings().comment("the node agents whose engines make the catalogue and whose instances are patched");
        t.instanceAgents().forEach(a -> s.put("pgflex.maintenance.agents." + a.id() + ".url", a.url()));
        return s;
    }

    /** backup-service: the agents base backups and restore drills run on, and the repository they write. */
    public static Settings backup(Topology t, Path repository) {
        Settings s = new Settings().comment("the node agents base backups and restore drills run on");
        t.instanceAgents().forEach(a -> s.put("pgflex.backup-service.agents." + a.id() + ".url", a.url()));
        return s.comment("the backup repository (the agents write the same one)")
                .put("pgflex.backup.repository.type", "filesystem")
                .put("pgflex.backup.repository.path", repository);
    }

    /**
     * The backup master key, which wraps every server's data key: a 0600 file; during a rotation the previous one
     * still unwraps what it wrapped.
     */
    public static Settings backupMasterKey(Path file, Optional<Path> previous) {
        Settings s = new Settings().comment("the master key wrapping each server's data key (a file, never the environment)")
                .put("pgflex.backup.master-key-file", file);
        previous.ifPresent(p -> s.put("pgflex.backup.previous-master-key-files", p));
        return s;
    }

    /**
     * monitoring-service. {@code allowPrivateWebhooks}: alert webhooks may call private addresses (a local stack);
     * a production deployment keeps false: a tenant's webhook must not reach the platform's own network.
     */
    public static Settings monitoring(boolean allowPrivateWebhooks) {
        return new Settings().comment("alert webhooks to private addresses (a production deployment keeps false)")
                .put("pgflex.monitoring.webhook-allow-private-addresses", allowPrivateWebhooks);
    }

    /** How a node agent is launched: who it is, its data, the instance ports it hands out, the router role. */
    public static Settings nodeAgent(AgentSpec a, String kafkaBootstrap, Path dataRoot, Path repository,
                                     Optional<Path> enginesDir) {
        Settings s = new Settings()
                .put("quarkus.http.ssl-port", a.port())
                .put("kafka.bootstrap-servers", kafkaBootstrap)
                .put("pgflex.agent.id", a.id())
                .put("pgflex.agent.zone", a.zone())
                .put("pgflex.agent.data-root", dataRoot)
                .put("pgflex.agent.port-range-start", a.instancePortStart())
                .put("pgflex.agent.port-range-end", a.instancePortEnd())
                .put("pgflex.agent.router.enabled", a.router())
                .put("pgflex.agent.check-port", a.checkPort())
                .put("pgflex.backup.repository.path", repository);
        // PostgreSQL majors beside the host's own (the tests and ./pgflex up unpack them there)
        enginesDir.ifPresent(d -> s.put("pgflex.agent.engines-dir", d));
        return s;
    }

    /**
     * A node agent on a host of its own: clients, standbys and the router reach its instances at its address; the
     * platform's connections (ha-service's probe, peers' replication) come from the hosts' network, routed ones
     * from the router on the platform side.
     */
    public static Settings agentOnHost(String address, String hostsSubnet, String platformAddress) {
        return new Settings()
                .put("quarkus.http.host", "0.0.0.0")
                .put("pgflex.agent.advertised-host", address)
                .put("pgflex.agent.platform-addresses", "127.0.0.1/32,::1/128," + hostsSubnet)
                .put("pgflex.agent.router-addresses", "127.0.0.1/32," + platformAddress + "/32");
    }

    /** The names clients reach the stable endpoints at: every instance certificate an agent makes names them. */
    public static Settings agentEndpointHosts(String endpointHost) {
        return new Settings().put("pgflex.agent.endpoint-hosts", endpointHost);
    }

    /** The probe secret a node agent derives each server's probe password from. */
    public static Settings agentProbeSecret(String probeSecret) {
        return new Settings().put("pgflex.agent.probe-secret", probeSecret);
    }
}
