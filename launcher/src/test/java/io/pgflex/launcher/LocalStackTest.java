package io.pgflex.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local stack's topology and components, for both layouts (given ports, when rendered, then ...). */
class LocalStackTest {
    private static final Path HOME = Path.of("/srv/pgflex-home");

    private static final LocalStack.Secrets SECRETS = FakeSecrets.of("secret-of-");

    private static LocalStack stack(Map<String, String> env) {
        return new LocalStack(StackPorts.resolve(env, Map.of()), HOME, SECRETS);
    }

    @Test
    void loopbackRunsTheRouterOnAgentOneAndPlacesInstancesOnBoth() {
        Topology t = stack(Map.of()).topology();

        assertEquals("agent-1", t.routerAgent());
        assertEquals(2, t.instanceAgents().size());
        assertEquals("https://127.0.0.1:8090", t.agent("agent-1").orElseThrow().url());
        assertEquals("127.0.0.1:9092", t.kafkaBootstrap());
    }

    @Test
    void hostsLayoutPutsAgentsOnTheirHostsAndTheRouterOnItsOwnAgentWithoutInstances() {
        Topology t = stack(Map.of("PGFLEX_LAYOUT", "hosts", "PGFLEX_HOSTS_NET", "10.9.8")).topology();

        assertEquals("https://10.9.8.11:8090", t.agent("agent-1").orElseThrow().url());
        assertEquals("https://10.9.8.12:8091", t.agent("agent-2").orElseThrow().url());
        AgentSpec router = t.agent("router").orElseThrow();
        assertTrue(router.router());
        assertFalse(router.instances());
        assertEquals("router", t.routerAgent());
        assertEquals("10.9.8.1:9092", t.kafkaBootstrap());
    }

    @Test
    void haServiceKnowsOnlyTheAgentsInstancesRunOn() {
        Map<String, String> ha = ServiceSettings.ha(stack(Map.of("PGFLEX_LAYOUT", "hosts")).topology(), "p").asMap();

        assertTrue(ha.containsKey("pgflex.ha.agents.agent-1.url"));
        assertFalse(ha.containsKey("pgflex.ha.agents.router.url"), "the router's agent runs no instance: " + ha);
    }

    @Test
    void provisioningKnowsTheRouterAgentAsOneWithoutInstances() {
        Map<String, String> p = ServiceSettings.provisioning(stack(Map.of("PGFLEX_LAYOUT", "hosts")).topology()).asMap();

        assertEquals("false", p.get("pgflex.provisioning.agents.router.instances"));
        assertEquals("router", p.get("pgflex.provisioning.endpoint.router-agent"));
        assertEquals("15499", p.get("pgflex.provisioning.endpoint.port-range-end"));
    }

    @Test
    void aServiceIsLaunchedWithItsOwnDatabaseRoleAndItsPasswordOnlyInItsFile() {
        LocalStack.Component ha = stack(Map.of()).components().stream().filter(c -> c.name().equals("ha-service")).findFirst()
                .orElseThrow();

        assertEquals("ha", ha.launch().asEnv().get("QUARKUS_DATASOURCE_USERNAME"));
        assertEquals("8082", ha.launch().asEnv().get("QUARKUS_HTTP_SSL_PORT"));
        assertTrue(ha.launch().asEnv().get("QUARKUS_DATASOURCE_JDBC_URL").contains("/ha?sslmode=verify-full"));
        assertFalse(ha.launch().envLines().contains("secret-of"), "no secret in the environment: " + ha.launch().envLines());
        assertEquals("secret-of-controldb-ha", ha.file().asMap().get("quarkus.datasource.password"));
        assertEquals("secret-of-probe-secret", ha.file().asMap().get("pgflex.ha.probe-secret"));
    }

    @Test
    void anAgentOnAHostOfItsOwnListensOnItsHostAndAdmitsThePlatformFromTheHostsNetwork() {
        LocalStack.Component a2 = stack(Map.of("PGFLEX_LAYOUT", "hosts", "PGFLEX_HOSTS_NET", "10.9.8")).components().stream()
                .filter(c -> c.name().equals("node-agent-2")).findFirst().orElseThrow();

        Map<String, String> env = a2.launch().asEnv();
        assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST"));
        assertEquals("10.9.8.12", env.get("PGFLEX_AGENT_ADVERTISED_HOST"));
        assertEquals("127.0.0.1/32,::1/128,10.9.8.0/24", env.get("PGFLEX_AGENT_PLATFORM_ADDRESSES"));
        assertEquals("node-agent-2", a2.configName());
        assertEquals(HOME.resolve("config/node-agent-2.properties").toString(), env.get("QUARKUS_CONFIG_LOCATIONS"));
    }

    @Test
    void aRouterWithoutTheRouterRoleIsRefused() {
        AgentSpec a = new AgentSpec("agent-1", "1", "127.0.0.1", 1, 2, 3, 4, false, true);

        assertThrows(IllegalArgumentException.class, () -> new Topology(java.util.List.of(a), "k:1", "localhost", 15000, "agent-1"));
    }
}
