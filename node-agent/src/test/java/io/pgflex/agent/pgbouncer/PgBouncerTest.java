package io.pgflex.agent.pgbouncer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

/**
 * The built-in PgBouncer on a real PostgreSQL: TLS required, SCRAM through auth_query (no password
 * in any file), settings reloaded without dropping clients, stopped when turned off, pools in the
 * agent's metrics.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(io.pgflex.testkit.AgentDataRootResource.class)
class PgBouncerTest {
    static final String PASSWORD = "B0uncer-Passw0rd!";
    static final String RULE = "{\"name\":\"local\",\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}";

    @Inject
    InstanceStore store;
    @Inject
    PgBouncerMetrics metrics;

    /** The agent under test, called as provisioning-service (what creates and changes instances). */
    static RequestSpecification agent() {
        return agent("provisioning-service");
    }

    static RequestSpecification agent(String caller) {
        return io.pgflex.testkit.AgentDataRootResource.as(caller).contentType(ContentType.JSON);
    }

    static String spec(String serverId, String parameters) {
        return """
                {"operationId":"op-1","serverId":"%s","subscriptionId":"sub-a","serverName":"pool",
                 "engineVersion":"15","skuName":"Standard_D2ds_v5","storageSizeGb":32,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{%s},"firewallRules":[%s],
                 "publicNetworkAccess":true,"desiredState":"Running"}"""
                .formatted(serverId, PasswordUtil.encodeScramSha256(PASSWORD.toCharArray()), parameters, RULE);
    }

    static Connection connect(int port, String database, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "appadmin");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    @Test
    void poolsClientsOverTlsWithScramAndStopsWhenTurnedOff() throws Exception {
        String id = "b-" + UUID.randomUUID().toString().substring(0, 8);
        String serverId = UUID.randomUUID().toString();
        int port = agent().body(spec(serverId, "")).put("/agent/v1/instances/" + id)
                .then().statusCode(200).body("pgBouncerRunning", equalTo(false)).extract().path("port");
        int bouncer = port + PgBouncerManager.PORT_OFFSET;
        assertFalse(listening(bouncer), "PgBouncer is off by default");

        agent().body(spec(serverId, "\"pgbouncer.enabled\":\"on\",\"pgbouncer.default_pool_size\":\"5\""))
                .put("/agent/v1/instances/" + id).then().statusCode(200).body("pgBouncerRunning", equalTo(true))
                .body("pgBouncerPort", equalTo(bouncer));

        // a database created through the agent afterwards is reachable through PgBouncer too
        agent().body("{}").put("/agent/v1/instances/" + id + "/databases/appdb").then().statusCode(200);
        try (Connection c = connect(bouncer, "appdb", "require"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pooled (v int)");
            s.execute("INSERT INTO pooled VALUES (42)");
            ResultSet rs = s.executeQuery("SELECT v, current_user, inet_server_port() IS NULL FROM pooled");
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertEquals("appadmin", rs.getString(2));
            assertTrue(rs.getBoolean(3), "PgBouncer reaches PostgreSQL over its Unix socket");
        }
        SQLException plain = assertThrows(SQLException.class, () -> connect(bouncer, "postgres", "disable").close());
        assertTrue(plain.getMessage().contains("SSL"), plain.getMessage());
        SQLException wrong = assertThrows(SQLException.class, () -> {
            Properties p = new Properties();
            p.setProperty("user", "appadmin");
            p.setProperty("password", "not-the-password");
            p.setProperty("sslmode", "require");
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + bouncer + "/postgres", p).close();
        });
        assertTrue(wrong.getMessage().contains("password") || wrong.getMessage().contains("authentication"), wrong.getMessage());

        // pgflex's own roles (known to PgBouncer without a password, trusted by PostgreSQL over the
        // socket) are turned away before any authentication
        for (String role : new String[] {"pgflex_agent", "pgflex_pgbouncer"}) {
            SQLException refused = assertThrows(SQLException.class, () -> {
                Properties p = new Properties();
                p.setProperty("user", role);
                p.setProperty("password", "anything");
                p.setProperty("sslmode", "require");
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + bouncer + "/postgres", p).close();
            });
            assertTrue(refused.getMessage().contains("login rejected"), role + ": " + refused.getMessage());
        }

        // no secret in PgBouncer's files: the verifier is looked up through auth_query
        var dir = store.layout(id).pgbouncer();
        for (String f : new String[] {"pgbouncer.ini", "users.txt", "hba.conf"}) {
            String content = Files.readString(dir.resolve(f));
            assertFalse(content.contains("SCRAM-SHA-256$") || content.contains(PASSWORD), f + " holds a secret:\n" + content);
        }
        assertTrue(Files.readString(dir.resolve("pgbouncer.ini")).contains("pool_mode = transaction"), "Azure's default");

        // a setting changes by reload: an open client stays connected
        try (Connection open = connect(bouncer, "appdb", "require"); Statement s = open.createStatement()) {
            s.execute("SELECT 1");
            agent().body(spec(serverId, "\"pgbouncer.enabled\":\"on\",\"pgbouncer.default_pool_size\":\"7\""))
                    .put("/agent/v1/instances/" + id).then().statusCode(200);
            assertTrue(Files.readString(dir.resolve("pgbouncer.ini")).contains("default_pool_size = 7"));
            ResultSet rs = s.executeQuery("SELECT count(*) FROM pooled");
            assertTrue(rs.next() && rs.getInt(1) == 1, "the client kept its connection through the reload");

            // PgBouncer answers the admin console again once its reload is through
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                metrics.scrape();
                String scrape = io.pgflex.testkit.AgentDataRootResource.as(null).get("/q/metrics").then().statusCode(200).extract().asString();
                assertTrue(scrape.lines().anyMatch(l -> l.startsWith("pgflex_pgbouncer_clients_active")
                        && l.contains("server_id=\"" + serverId + "\"") && l.contains("database=\"appdb\"")
                        && !l.endsWith(" 0.0")), "an active client in the pool metrics:\n" + scrape.lines()
                        .filter(l -> l.contains("pgbouncer")).toList());
            });
        }

        // the parameters API lists the PgBouncer parameters with their values
        agent().get("/agent/v1/instances/" + id + "/parameters").then().statusCode(200)
                .body("find { it.name == 'pgbouncer.default_pool_size' }.value", equalTo("7"))
                .body("find { it.name == 'pgbouncer.max_client_conn' }.value", equalTo("5000"));

        agent().body(spec(serverId, "\"pgbouncer.enabled\":\"off\"")).put("/agent/v1/instances/" + id)
                .then().statusCode(200).body("pgBouncerRunning", equalTo(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> !listening(bouncer));
        try (Connection c = connect(port, "appdb", "require")) {
            assertTrue(c.isValid(2), "PostgreSQL itself serves on");
        }
        agent().delete("/agent/v1/instances/" + id).then().statusCode(200);
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
