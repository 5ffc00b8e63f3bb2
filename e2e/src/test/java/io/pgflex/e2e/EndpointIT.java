package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stable endpoint (the router: HAProxy run by agent-1) and the built-in PgBouncer, used the way
 * clients use them: psql and pgbench over TLS through both (verify-full with the server's published CA),
 * plain connections refused,
 * the router's firewall, and a router reload that leaves other servers' sessions alone. One behaviour per test; the
 * General Purpose server with PgBouncer on is made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointIT {
    static final String SUB = "sub-e2e-endpoint";
    static final String PASSWORD = "Endp0int-pass!";

    static String gpBody(String zone) {
        return """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "availabilityZone": "%s", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s"}}""".formatted(zone, PASSWORD);
    }

    /** Runs a PostgreSQL client program with the admin password; returns exit code and output. */
    static Map.Entry<Integer, String> run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PASSWORD);
        pb.environment().put("PGCONNECT_TIMEOUT", "5");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        return Map.entry(p.waitFor(), out);
    }

    static String conninfo(int port, String sslmode) {
        return "host=localhost port=" + port + " dbname=postgres user=appadmin sslmode=" + sslmode;
    }

    /** The shared General Purpose server: its endpoint port and its PgBouncer's. */
    private static String base;
    private static int port;
    private static int bouncer;

    /**
     * Given a General Purpose server admitting 127.0.0.1, with the built-in PgBouncer on (through the configurations
     * API) and pgbench's tables (made through the endpoint).
     */
    @BeforeAll
    static void generalPurposeServerWithPgBouncer() throws Exception {
        Stack.start();
        base = Stack.servers(SUB, "rg-e2e") + "/endpoint-gp";
        port = Stack.readyServer(SUB, "endpoint-gp", gpBody("1"));
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"value\":\"on\",\"source\":\"user-override\"}}")
                .put(base + "/configurations/pgbouncer.enabled"));
        bouncer = Stack.api(SUB).get(base).then().statusCode(200).extract().path("properties.pgBouncerPort");
        await("PgBouncer routable").atMost(Duration.ofSeconds(10)).untilAsserted(() -> Stack.api(SUB).get(base + "/endpoint")
                .then().statusCode(200).body("properties.state", equalTo("Routable"))
                .body("properties.pgBouncerState", equalTo("Routable")));
        var init = run(List.of("pgbench", "-i", "-s", "1", "-q", conninfo(port, "require")));
        assertEquals(0, init.getKey(), init.getValue());
    }

    @AfterAll
    static void deleteTheServer() {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
    }

    @Test
    void theEndpointPortComesFromTheRoutersRangeAndPgBouncerSitsAThousandAbove() {
        assertTrue(port >= NodeAgentResource.ENDPOINT_PORTS && port < NodeAgentResource.ENDPOINT_PORTS + 500, "endpoint port " + port);
        assertEquals(port + 1000, bouncer);
    }

    @Test
    void theConnectionStringsVerifyTheServerAndTheMultiHostOneNamesTheInstances() {
        // when the client reads the server
        var server = Stack.api(SUB).get(base).then().statusCode(200);

        // then the connection string goes through the endpoint with verify-full, the multi-host one to the instances
        server.body("properties.fullyQualifiedDomainName", equalTo("localhost"))
                .body("properties.connectionString", equalTo(conninfo(port, "verify-full") + " sslrootcert=endpoint-gp-ca.crt"))
                .body("properties.multiHostConnectionString", org.hamcrest.Matchers.endsWith(
                        " dbname=postgres user=appadmin sslmode=verify-full sslrootcert=endpoint-gp-ca.crt target_session_attrs=read-write"));
        String direct = server.extract().path("properties.multiHostConnectionString");
        assertTrue(!direct.contains("port=" + port + " "), "the multi-host string names the instances, not the endpoint");
    }

    @Test
    void psqlThroughTheEndpointIsEncrypted() throws Exception {
        var psql = run(List.of("psql", "-X", "-tA", conninfo(port, "require"), "-c",
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));

        assertEquals(0, psql.getKey(), psql.getValue());
        assertEquals("t", psql.getValue().strip());
    }

    @Test
    void aPlainConnectionThroughTheEndpointIsRefused() throws Exception {
        var plain = run(List.of("psql", "-X", "-tA", conninfo(port, "disable"), "-c", "SELECT 1"));

        assertNotEquals(0, plain.getKey(), "a plain connection through the endpoint must be refused: " + plain.getValue());
        assertTrue(plain.getValue().contains("no encryption"), plain.getValue());
    }

    @Test
    void pgbenchRunsThroughTheEndpoint() throws Exception {
        var bench = run(List.of("pgbench", "-S", "-c", "4", "-t", "50", "-n", conninfo(port, "require")));

        assertEquals(0, bench.getKey(), bench.getValue());
        assertTrue(bench.getValue().contains("number of transactions actually processed: 200/200"), bench.getValue());
    }

    @Test
    void psqlThroughPgBouncerReachesTheServersData() throws Exception {
        // given a row written through the endpoint
        var write = run(List.of("psql", "-X", "-tA", conninfo(port, "require"), "-c",
                "CREATE TABLE IF NOT EXISTS pooled (v text); INSERT INTO pooled VALUES ('through the endpoint')"));
        assertEquals(0, write.getKey(), write.getValue());

        // when it is read through PgBouncer
        var pooled = run(List.of("psql", "-X", "-tA", conninfo(bouncer, "require"), "-c", "SELECT v FROM pooled LIMIT 1"));

        // then
        assertEquals(0, pooled.getKey(), pooled.getValue());
        assertEquals("through the endpoint", pooled.getValue().strip());
    }

    @Test
    void aPlainConnectionToPgBouncerIsRefused() throws Exception {
        var plainPooled = run(List.of("psql", "-X", "-tA", conninfo(bouncer, "disable"), "-c", "SELECT 1"));

        assertNotEquals(0, plainPooled.getKey(), "a plain connection to PgBouncer must be refused: " + plainPooled.getValue());
    }

    @Test
    void aConnectionPerTransactionThroughPgBouncerCompletesEveryTransaction() throws Exception {
        var connectEach = run(List.of("pgbench", "-S", "-C", "-c", "4", "-t", "25", "-n", conninfo(bouncer, "require")));

        assertEquals(0, connectEach.getKey(), connectEach.getValue());
        assertTrue(connectEach.getValue().contains("number of transactions actually processed: 100/100"), connectEach.getValue());
    }

    @Test
    void scalingToBurstableWithPgBouncerOnIsRefused() {
        Stack.api(SUB).body("{\"sku\":{\"name\":\"Standard_B2s\",\"tier\":\"Burstable\"}}").patch(base)
                .then().statusCode(400).body("error.code", equalTo("PgBouncerNotSupportedOnBurstable"));
    }

    /** Last: it takes the shared server's firewall rule away. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withoutAFirewallRuleTheRouterLetsNobodyIn() throws Exception {
        // given the rule admitting 127.0.0.1 removed
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base + "/firewallRules/local"));

        // when a client connects through the endpoint
        var refused = run(List.of("psql", "-X", "-tA", conninfo(port, "require"), "-c", "SELECT 1"));

        // then the router refuses it
        assertNotEquals(0, refused.getKey(), "no firewall rule admits 127.0.0.1 any more: " + refused.getValue());
    }

    @Test
    void theCaPublishedWithAServerVerifiesItsEndpointAndAnotherServersCaDoesNot() throws Exception {
        // given two servers and the CA each publishes
        int verifyA = Stack.readyServer(SUB, "verify-a", Stack.serverBody("16", "appadmin", PASSWORD));
        Stack.readyServer(SUB, "verify-b", Stack.serverBody("16", "appadmin", PASSWORD));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pgflex-e2e-ca-");
        java.nio.file.Path own = dir.resolve("verify-a-ca.crt");
        java.nio.file.Path other = dir.resolve("verify-b-ca.crt");
        java.nio.file.Files.writeString(own, Stack.api(SUB).get(Stack.servers(SUB, "rg-e2e") + "/verify-a")
                .then().statusCode(200).extract().<String>path("properties.caCertificate"));
        java.nio.file.Files.writeString(other, Stack.api(SUB).get(Stack.servers(SUB, "rg-e2e") + "/verify-b")
                .then().statusCode(200).extract().<String>path("properties.caCertificate"));

        await("verify-a routable").atMost(Duration.ofSeconds(30)).untilAsserted(() -> Stack.api(SUB)
                .get(Stack.servers(SUB, "rg-e2e") + "/verify-a/endpoint").then().statusCode(200)
                .body("properties.state", equalTo("Routable")));
        // when a client verifies verify-a's endpoint with each, then only its own CA verifies it
        var verified = run(List.of("psql", "-X", "-tA", conninfo(verifyA, "verify-full") + " sslrootcert=" + own, "-c", "SELECT 1"));
        assertEquals(0, verified.getKey(), verified.getValue());
        var wrongCa = run(List.of("psql", "-X", "-tA", conninfo(verifyA, "verify-full") + " sslrootcert=" + other, "-c", "SELECT 1"));
        assertNotEquals(0, wrongCa.getKey(), "verify-a's endpoint must not verify with verify-b's CA: " + wrongCa.getValue());
        assertTrue(wrongCa.getValue().contains("certificate verify failed"), wrongCa.getValue());
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/verify-a"));
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/verify-b"));
    }

    @Test
    void aRouterReloadLeavesOtherServersSessionsAlone() throws Exception {
        // given a session open through one server's endpoint
        int heldPort = Stack.readyServer(SUB, "endpoint-a", Stack.serverBody("16", "appadmin", PASSWORD));
        try (Connection held = Stack.connect(heldPort, "appadmin", PASSWORD); Statement s = held.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            // when another server comes: the router learns its route and reloads HAProxy to listen on its port
            int other = Stack.readyServer(SUB, "endpoint-b", Stack.serverBody("16", "appadmin", PASSWORD));
            assertNotEquals(heldPort, other);
            Stack.api(SUB).get(Stack.servers(SUB, "rg-e2e") + "/endpoint-b/endpoint").then().statusCode(200)
                    .body("properties.state", equalTo("Routable")).body("properties.port", equalTo(other));
            try (Connection c = Stack.connect(other, "appadmin", PASSWORD)) {
                assertTrue(c.isValid(2), "the new endpoint serves");
            }
            // then the session opened before the reload goes on
            s.execute("INSERT INTO t VALUES (1)");
            ResultSet rs = s.executeQuery("SELECT count(*) FROM t");
            assertTrue(rs.next() && rs.getInt(1) == 1, "the session opened before the reload goes on");

        }
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/endpoint-b"));
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/endpoint-a"));
    }

}
