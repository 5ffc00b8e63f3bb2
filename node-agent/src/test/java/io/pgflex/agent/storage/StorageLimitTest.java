package io.pgflex.agent.storage;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.AgentDataRootResource;
import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.util.PasswordUtil;

/**
 * The storage guard on a real instance: a tenant that writes on past its provisioned storage (here
 * with read-only turned off in its session, as it may be to clean up) is stopped by the agent at the
 * limit, and gets in again, with everything it committed, once the storage grows. Test agents count
 * a storage "GiB" as 8 MiB (pgflex.agent.storage-unit-bytes) so that the limit is reached in seconds.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(AgentDataRootResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageLimitTest {
    static final String PASSWORD = "Str0ng-Passw0rd!";
    final String id = "sg-" + UUID.randomUUID().toString().substring(0, 8);
    final String serverId = UUID.randomUUID().toString();
    int port;
    long committed;

    String spec(int storageGb) {
        return """
                {"operationId":"op-1","serverId":"%s","subscriptionId":"sub-a","serverName":"guarded",
                 "engineVersion":"15","skuName":"Standard_B1ms","storageSizeGb":%d,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{},"publicNetworkAccess":true,"desiredState":"Running",
                 "firewallRules":[{"name":"local","startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}]}"""
                .formatted(serverId, storageGb, PasswordUtil.encodeScramSha256(PASSWORD.toCharArray()));
    }

    static Connection tenant(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "appadmin");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    @AfterAll
    void deleteServer() {
        AgentDataRootResource.as("provisioning-service").when().delete("/agent/v1/instances/" + id);
    }

    @Test
    @Order(1)
    void aTenantWritingPastTheLimitIsStoppedAtIt() throws Exception {
        // 12 "GiB" of 8 MiB: 96 MiB, of which a new instance uses about half
        port = AgentDataRootResource.as("provisioning-service").contentType(ContentType.JSON).body(spec(12))
                .when().put("/agent/v1/instances/" + id).then().statusCode(200).extract().path("port");
        SQLException stopped = null;
        try (Connection c = tenant(port); Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off"); // what no read-only default can prevent
            s.execute("CREATE TABLE fill (v text)");
            for (int chunk = 0; chunk < 400 && stopped == null; chunk++) {
                try {
                    s.execute("INSERT INTO fill SELECT repeat(md5(g::text), 32) FROM generate_series(1, 1000) g"); // ~1 MB
                    committed += 1000;
                } catch (SQLException e) {
                    stopped = e;
                }
            }
        }
        assertTrue(stopped != null, "the session was ended at the limit");
        SQLException login = assertThrows(SQLException.class, () -> tenant(port).close());
        assertTrue(login.getMessage().contains("pg_hba.conf"), "a new login is refused: " + login.getMessage());
        AgentDataRootResource.as("provisioning-service").when().get("/agent/v1/instances/" + id).then().statusCode(200)
                .body("message", containsString("reached the limit"));
    }

    @Test
    @Order(2)
    void onceTheStorageGrowsTheTenantGetsInWithEverythingItCommitted() throws Exception {
        AgentDataRootResource.as("provisioning-service").contentType(ContentType.JSON).body(spec(64))
                .when().put("/agent/v1/instances/" + id).then().statusCode(200);
        Awaitility.await("tenants admitted again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> {
                    try (Connection c = tenant(port)) {
                        return c.isValid(2);
                    }
                });
        try (Connection c = tenant(port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM fill")) {
            assertTrue(rs.next());
            long rows = rs.getLong(1);
            assertTrue(committed > 0);
            // every acknowledged insert is there (the one the guard cut off may have committed unacknowledged)
            assertTrue(rows == committed || rows == committed + 1000, rows + " rows, " + committed + " acknowledged");
        }
    }
}
