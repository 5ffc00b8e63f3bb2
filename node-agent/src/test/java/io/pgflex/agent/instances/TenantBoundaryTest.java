package io.pgflex.agent.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.Probes;
import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.util.PasswordUtil;

/**
 * What a tenant of one server can reach of the platform on a real instance: the probe role (its own
 * password per server, from platform addresses only), the agent's statements (never in the tenant's
 * log or statement statistics, even with every statement logged), the temporary-file limit.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(io.pgflex.testkit.AgentDataRootResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantBoundaryTest {
    static final String PASSWORD = "Str0ng-Passw0rd!";
    static final String NEW_PASSWORD = "An0ther-Passw0rd!";

    @jakarta.inject.Inject
    io.pgflex.agent.AgentConfig config;
    @jakarta.inject.Inject
    io.pgflex.agent.sql.InstanceSql sql;
    @jakarta.inject.Inject
    InstanceStore store;

    final String id = "tb-" + UUID.randomUUID().toString().substring(0, 8);
    final String serverId = UUID.randomUUID().toString();
    int port;

    /** The tenant logs every statement and every duration: whatever the platform runs would be there. */
    String spec(String password) {
        return """
                {"operationId":"op-1","serverId":"%s","subscriptionId":"sub-a","serverName":"boundary",
                 "engineVersion":"15","skuName":"Standard_B1ms","storageSizeGb":32,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{"log_statement":"all","log_min_duration_statement":"0"},
                 "firewallRules":[%s],"publicNetworkAccess":true,"desiredState":"Running"}"""
                .formatted(serverId, PasswordUtil.encodeScramSha256(password.toCharArray()), InstanceLifecycleTest.LOCALHOST_RULE);
    }

    @BeforeAll
    void createServerThenChangeItsAdminPassword() {
        port = InstanceLifecycleTest.agent().body(spec(PASSWORD)).when().put("/agent/v1/instances/" + id)
                .then().statusCode(200).extract().path("port");
        // a password change: the platform's ALTER ROLE … PASSWORD, and the probe role's again
        InstanceLifecycleTest.agent().body(spec(NEW_PASSWORD)).when().put("/agent/v1/instances/" + id).then().statusCode(200);
    }

    @AfterAll
    void deleteServer() {
        InstanceLifecycleTest.agent().when().delete("/agent/v1/instances/" + id).then().statusCode(200);
    }

    static Connection probe(int port, String password, String localAddress) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", Probes.ROLE);
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("channelBinding", "require");
        p.setProperty("connectTimeout", "5");
        if (localAddress != null) {
            p.setProperty("localSocketAddress", localAddress);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    @Test
    void theProbeLogsInWithItsOwnServersPasswordOnly() throws Exception {
        assertEquals(Probes.Outcome.ANSWERS, Probes.probe("127.0.0.1", port, Probes.password(config.probeSecret(), serverId), 5000),
                "the probe as ha-service runs it");
        assertEquals(Probes.Outcome.REFUSES_LOGIN, Probes.probe("127.0.0.1", port,
                Probes.password(config.probeSecret(), UUID.randomUUID().toString()), 5000),
                "a wrong probe password: PostgreSQL is up (no failover), the login is refused");
        SQLException other = assertThrows(SQLException.class,
                () -> probe(port, Probes.password(config.probeSecret(), UUID.randomUUID().toString()), null).close());
        assertTrue(other.getMessage().contains("password authentication failed"), other.getMessage());
        SQLException secret = assertThrows(SQLException.class, () -> probe(port, config.probeSecret(), null).close());
        assertTrue(secret.getMessage().contains("password authentication failed"), "the platform secret itself is no password: "
                + secret.getMessage());
    }

    @Test
    void theProbeIsRefusedFromAnAddressOutsideThePlatforms() throws Exception {
        String password = Probes.password(config.probeSecret(), serverId);
        try (Connection fromPlatform = probe(port, password, "127.0.0.1")) {
            assertTrue(fromPlatform.isValid(2), "127.0.0.1/32 is the platform's address here");
        }
        SQLException outside = assertThrows(SQLException.class, () -> probe(port, password, "127.0.0.2").close());
        assertTrue(outside.getMessage().contains("pg_hba.conf") && outside.getMessage().contains("127.0.0.2"), outside.getMessage());
    }

    @Test
    void platformStatementsNeverReachTheTenantsLog() throws Exception {
        try (Connection c = InstanceLifecycleTest.connect(port, "appadmin", NEW_PASSWORD, "require"); Statement s = c.createStatement()) {
            s.execute("SELECT 'tenant-marker-statement'");
        }
        Path logDir = store.layout(id).log();
        org.awaitility.Awaitility.await("the tenant's own statement in the log (logging is on)")
                .atMost(java.time.Duration.ofSeconds(10)).until(() -> logText(logDir).contains("tenant-marker-statement"));
        String log = logText(logDir);
        // the tenant's own statements (another test of this class tries ALTER ROLE) are its business
        java.util.List<String> leaked = log.lines().filter(l -> l.contains("SCRAM-SHA-256$")
                || !l.contains("appadmin@") && !l.contains("\"user\":\"appadmin\"")
                && (l.toUpperCase().contains("ALTER ROLE") || l.contains(Probes.ROLE + " WITH"))).toList();
        assertTrue(leaked.isEmpty(), "no role change, verifier or probe statement of the platform in the tenant's log: " + leaked);
    }

    @Test
    void platformStatementsNeverReachTheTenantsStatementStatistics() throws Exception {
        try (Connection c = InstanceLifecycleTest.connect(port, "appadmin", NEW_PASSWORD, "require"); Statement s = c.createStatement()) {
            s.execute("SELECT 1 AS tenant_marker_statistics"); // an alias: constants are normalised away
        }
        // read as the agent (pg_stat_statements holds every role's statements; the admin login has pg_monitor)
        try (Connection c = sql.connect(store.layout(id), port, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS boundary_test");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA boundary_test");
            String view;
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.pg_stat_statements' FROM pg_extension e"
                    + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'")) {
                assertTrue(rs.next());
                view = rs.getString(1); // the agent's metrics may have created it first, in its own schema
            }
            assertEquals(1, count(s, "SELECT count(*) FROM " + view + " WHERE query LIKE '%tenant_marker_statistics%'"),
                    "the tenant's statement is counted (statistics are on)");
            assertEquals(0, count(s, "SELECT count(*) FROM " + view + " WHERE query ILIKE '%PASSWORD%'"
                    + " OR query ILIKE '%ALTER ROLE%' OR query LIKE '%SCRAM-SHA-256$%'"));
        }
    }

    @Test
    void theTenantCannotLiftTheTemporaryFileLimit() throws Exception {
        try (Connection c = InstanceLifecycleTest.connect(port, "appadmin", NEW_PASSWORD, "require"); Statement s = c.createStatement()) {
            assertEquals("3355443kB", InstanceLifecycleTest.single(c, "SHOW temp_file_limit"), "a tenth of 32 GiB");
            SQLException lift = assertThrows(SQLException.class, () -> s.execute("SET temp_file_limit = -1"));
            assertTrue(lift.getMessage().contains("permission denied"), lift.getMessage());
            SQLException perRole = assertThrows(SQLException.class, () -> s.execute("ALTER ROLE appadmin SET temp_file_limit = -1"));
            assertTrue(perRole.getMessage().contains("permission denied"), perRole.getMessage());
        }
    }

    static long count(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    static String logText(Path dir) throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return out.toString();
    }
}
