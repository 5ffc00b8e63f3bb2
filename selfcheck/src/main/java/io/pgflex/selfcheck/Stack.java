package io.pgflex.selfcheck;

import io.pgflex.launcher.AgentSpec;
import io.pgflex.launcher.LocalStack;
import io.pgflex.launcher.StackPorts;
import io.pgflex.launcher.StackSecrets;
import io.pgflex.launcher.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the self-check knows of the running stack under {@code $PGFLEX_HOME}: its addresses (the same
 * {@link LocalStack} topology the stack was started from), its certificates and its secrets.
 */
final class Stack {
    final Path home;
    final StackPorts ports;
    final Topology topology;
    final LocalStack local;
    final StackSecrets secrets;

    Stack(Path home, Map<String, String> env) {
        this.home = home;
        Path portsFile = home.resolve("ports.env");
        if (!Files.isRegularFile(portsFile)) {
            throw new IllegalArgumentException("no pgflex stack in " + home + " (no ports.env): ./pgflex up first");
        }
        this.ports = StackPorts.forHome(home, env);
        this.secrets = new StackSecrets(home.resolve("secrets"));
        this.local = new LocalStack(ports, home, secrets);
        this.topology = local.topology();
    }

    /** The public API: the gateway, HTTPS only. */
    String api() {
        return "https://127.0.0.1:" + ports.port("GATEWAY_PORT");
    }

    String gatewayPlainHttp() {
        return "http://127.0.0.1:" + ports.port("GATEWAY_PORT");
    }

    /** A service's own HTTPS address ({@code provisioning-service} → its port). */
    String serviceUrl(String service) {
        String key = io.pgflex.launcher.ControlDb.database(service).toUpperCase(java.util.Locale.ROOT) + "_PORT";
        return "https://127.0.0.1:" + ports.port(key);
    }

    AgentSpec agent(String id) {
        return topology.agent(id).orElseThrow(() -> new IllegalStateException("no agent " + id + " in this layout"));
    }

    String kafkaBootstrap() {
        return topology.kafkaBootstrap();
    }

    int controlDbPort() {
        return ports.port("CONTROLDB_PORT");
    }

    Path ca() {
        return pki("ca.crt");
    }

    /** A file of the platform PKI ({@code pki/<name>}). */
    Path pki(String name) {
        return home.resolve("pki").resolve(name);
    }

    Https as(String identity) {
        return identity == null ? Https.trusting(ca()) : Https.as(ca(), pki(identity + ".crt"), pki(identity + ".key"));
    }

    /** Where per-server files of the check go (published CAs). */
    Path runDir() {
        return home.resolve("run");
    }
}
