package io.pgflex.agent.instances;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

/** A real PostgreSQL instance through the agent API: TLS only, SCRAM only, firewall ranges only, data kept across stop/start. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(io.pgflex.testkit.AgentDataRootResource.class)
class InstanceLifecycleTest {
    @jakarta.inject.Inject
    io.pgflex.agent.AgentConfig config;
    static final String PASSWORD = "Str0ng-Passw0rd!";

    /** The agent under test, called as provisioning-service (what creates and changes instances). */
    static RequestSpecification agent() {
        return agent("provisioning-service");
    }

    static RequestSpecification agent(String caller) {
        return io.pgflex.testkit.AgentDataRootResource.as(caller).contentType(ContentType.JSON);
    }

    static String spec(String serverId, String desiredState, String firewall) {
        return """
                {"operationId":"op-1","serverId":"%s","subscriptionId":"sub-a","serverName":"life",
                 "engineVersion":"15","skuName":"Standard_B1ms","storageSizeGb":32,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{},"firewallRules":[%s],
                 "publicNetworkAccess":true,"desiredState":"%s"}"""
                .formatted(serverId, PasswordUtil.encodeScramSha256(PASSWORD.toCharArray()), firewall, desiredState);
    }

    static final String LOCALHOST_RULE = "{\"name\":\"local\",\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}";

    static Connection connect(int port, String user, String password, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    @Test
    void createsARunningServerThatOnlyAcceptsScramOverTls() throws Exception {
        String id = "i-" + UUID.randomUUID().toString().substring(0, 8);
        int port = agent().body(spec(UUID.randomUUID().toString(), "Running", LOCALHOST_RULE))
                .when().put("/agent/v1/instances/" + id)
                .then().statusCode(200).body("state", equalTo("Running")).body("engineVersion", org.hamcrest.Matchers.startsWith("15."))
                .extract().path("port");

        try (Connection c = connect(port, "appadmin", PASSWORD, "require"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key, v text)");
            s.execute("INSERT INTO t VALUES (1, 'kept')");
            ResultSet ssl = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            assertTrue(ssl.next());
            assertTrue(ssl.getBoolean(1), "the connection is encrypted");
            assertTrue(ssl.getString(2).startsWith("TLSv1.2") || ssl.getString(2).startsWith("TLSv1.3"), ssl.getString(2));
            ResultSet su = s.executeQuery("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user");
            assertTrue(su.next());
            assertFalse(su.getBoolean(1), "the admin login is not a superuser");
            assertTrue(su.getBoolean(2), "but creates databases");
            assertFalse(su.getBoolean(3), "before PostgreSQL 16, CREATEROLE would reach every role: not given");
            SQLException escalation = assertThrows(SQLException.class,
                    () -> s.execute("GRANT pg_execute_server_program TO appadmin"));
            assertTrue(escalation.getMessage().contains("permission denied") || escalation.getMessage().contains("admin option"),
                    escalation.getMessage());
        }
        SQLException plain = assertThrows(SQLException.class, () -> connect(port, "appadmin", PASSWORD, "disable").close());
        assertTrue(plain.getMessage().contains("no encryption") || plain.getMessage().contains("pg_hba.conf"), plain.getMessage());
        SQLException wrong = assertThrows(SQLException.class, () -> connect(port, "appadmin", "wrong-password", "require").close());
        assertTrue(wrong.getMessage().contains("password authentication failed"), wrong.getMessage());
        SQLException agentRole = assertThrows(SQLException.class, () -> connect(port, "pgflex_agent", "", "require").close());
        assertTrue(agentRole.getMessage().contains("pg_hba.conf"), agentRole.getMessage());

        // databases and parameters of the running instance
        agent().body("{\"charset\":\"UTF8\"}").when().put("/agent/v1/instances/" + id + "/databases/appdb")
                .then().statusCode(200).body("name", equalTo("appdb")).body("charset", equalTo("UTF8"));
        agent().when().get("/agent/v1/instances/" + id + "/databases").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItems("postgres", "appdb"));
        try (Connection c = connect(port, "appadmin", PASSWORD, "require")) {
            assertEquals("appadmin", single(c, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'"),
                    "the admin login owns the databases created through the API");
        }
        agent().when().delete("/agent/v1/instances/" + id + "/databases/appdb").then().statusCode(204);
        agent().when().get("/agent/v1/instances/" + id + "/databases").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("appdb")));
        agent().when().get("/agent/v1/instances/" + id + "/parameters").then().statusCode(200)
                .body("find { it.name == 'ssl' }.value", equalTo("on"))
                .body("find { it.name == 'shared_buffers' }.context", equalTo("postmaster"))
                .body("find { it.name == 'ssl_min_protocol_version' }.value", equalTo("TLSv1.2"));

        // stop: the process is gone; start: the data is still there
        agent().body(spec(UUID.randomUUID().toString(), "Stopped", LOCALHOST_RULE)).when().put("/agent/v1/instances/" + id)
                .then().statusCode(200).body("state", equalTo("Stopped"));
        assertThrows(SQLException.class, () -> connect(port, "appadmin", PASSWORD, "require").close());
        agent().body(spec(UUID.randomUUID().toString(), "Running", LOCALHOST_RULE)).when().put("/agent/v1/instances/" + id)
                .then().statusCode(200).body("state", equalTo("Running"));
        try (Connection c = connect(port, "appadmin", PASSWORD, "require"); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1");
            assertTrue(rs.next());
            assertEquals("kept", rs.getString(1));
        }

        // delete: process and data are gone
        Path root = config.dataRoot().resolve("instances").resolve(id);
        assertTrue(Files.exists(root));
        agent().when().delete("/agent/v1/instances/" + id).then().statusCode(200).body("state", equalTo("Deleted"));
        assertFalse(Files.exists(root), "the data directory is removed");
        assertThrows(SQLException.class, () -> connect(port, "appadmin", PASSWORD, "require").close());
        agent().when().get("/agent/v1/instances/" + id).then().statusCode(404).body("error.code", equalTo("InstanceNotFound"));
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void withoutAFirewallRuleNobodyGetsIn() throws Exception {
        String id = "i-" + UUID.randomUUID().toString().substring(0, 8);
        int port = agent().body(spec(UUID.randomUUID().toString(), "Running", ""))
                .when().put("/agent/v1/instances/" + id).then().statusCode(200).extract().path("port");
        try {
            SQLException e = assertThrows(SQLException.class, () -> connect(port, "appadmin", PASSWORD, "require").close());
            assertTrue(e.getMessage().contains("pg_hba.conf"), e.getMessage());

            // adding the rule is a reload: the same process now admits 127.0.0.1
            agent().body(spec(UUID.randomUUID().toString(), "Running", LOCALHOST_RULE)).when().put("/agent/v1/instances/" + id)
                    .then().statusCode(200);
            try (Connection c = connect(port, "appadmin", PASSWORD, "require")) {
                assertTrue(c.isValid(2));
            }
        } finally {
            agent().when().delete("/agent/v1/instances/" + id).then().statusCode(200);
        }
    }

    @Test
    void rejectsAnEngineThatIsNotInstalled() {
        agent().body(spec(UUID.randomUUID().toString(), "Running", "").replace("\"engineVersion\":\"15\"", "\"engineVersion\":\"9\""))
                .when().put("/agent/v1/instances/i-noengine")
                .then().statusCode(400).body("error.code", equalTo("InvalidInstanceSpec"));
    }

    @Test
    void aCrashedPostgresIsStartedAgainButAFencedOneStaysDown() throws Exception {
        String id = "w-" + UUID.randomUUID().toString().substring(0, 8);
        int port = agent().body(spec(UUID.randomUUID().toString(), "Running", LOCALHOST_RULE))
                .when().put("/agent/v1/instances/" + id).then().statusCode(200).extract().path("port");
        Path root = config.dataRoot().toAbsolutePath().resolve("instances").resolve(id);
        try {
            try (Connection c = connect(port, "appadmin", PASSWORD, "require"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE survived (v text)");
                s.execute("INSERT INTO survived VALUES ('committed before the crash')");
            }
            killPostmaster(root);
            org.awaitility.Awaitility.await("PostgreSQL started again by the agent").atMost(java.time.Duration.ofSeconds(30))
                    .ignoreExceptions().until(() -> {
                        try (Connection c = connect(port, "appadmin", PASSWORD, "require")) {
                            return "committed before the crash".equals(single(c, "SELECT v FROM survived"));
                        }
                    });

            // fenced (as a failover leaves the old primary): the agent does not bring it back
            Files.writeString(root.resolve("fenced"), "fenced by test\n");
            killPostmaster(root);
            org.awaitility.Awaitility.await("a fenced instance stays down").during(java.time.Duration.ofSeconds(4))
                    .atMost(java.time.Duration.ofSeconds(6)).until(() -> {
                        try (Connection c = connect(port, "appadmin", PASSWORD, "require")) {
                            return false;
                        } catch (SQLException down) {
                            return true;
                        }
                    });
        } finally {
            agent().when().delete("/agent/v1/instances/" + id).then().statusCode(200);
        }
    }

    /** SIGKILL to the postmaster, as a crash would do; waits until it is gone. */
    static void killPostmaster(Path root) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(root.resolve("pgdata/postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
