package io.pgflex.e2e;

import static io.pgflex.e2e.HaSteps.PASSWORD;
import static io.pgflex.e2e.HaSteps.SUB;
import static io.pgflex.e2e.HaSteps.assertNothingLost;
import static io.pgflex.e2e.HaSteps.awaitProgress;
import static io.pgflex.e2e.HaSteps.base;
import static io.pgflex.e2e.HaSteps.ha;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The primary's host hangs (SIGSTOP of its agent and PostgreSQL: its port still accepts TCP, nothing answers): it is
 * failed over, and once it wakes up it never takes a write or traffic again. One behaviour per test, in this order;
 * the server and the hang are made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HungPrimaryIT {
    private static final String NAME = "ha-hung";
    private static String serverId;
    private static String oldPrimary;
    private static int oldPort;
    private static int endpoint;
    private static Writer writer;

    /** Given a zone-redundant server, four clients committing, its primary's host hung until the clients went on, then woken. */
    @BeforeAll
    static void primarysHostHungUnderLoad() throws Exception {
        Stack.start();
        HaSteps.HaServer server = HaSteps.healthyHaServer(NAME);
        serverId = server.serverId();
        oldPrimary = server.primary();
        oldPort = ha(serverId).getInt("primary.port");
        endpoint = server.endpoint();
        List<ProcessHandle> hung = HaSteps.host("agent-2", oldPrimary);
        writer = new Writer(endpoint, "appadmin", PASSWORD, 4);
        awaitProgress(writer, 200, Duration.ofSeconds(30));
        writer.resetGap();
        HaSteps.signal("STOP", hung);
        try {
            awaitProgress(writer, 200, Duration.ofSeconds(60));
            System.out.printf("hung host: clients saw no acknowledgement for %d ms%n", writer.longestGapMillis());
        } finally {
            HaSteps.signal("CONT", hung);
        }
    }

    @AfterAll
    static void closeWriterAndDeleteServer() throws Exception {
        if (writer != null) {
            writer.close();
        }
        HaSteps.restoreKilledProcesses();
        HaSteps.deleteQuietly(NAME);
    }

    @Test
    @Order(1)
    void theWokenOldPrimaryIsFencedOrRebuiltAsAStandby() throws Exception {
        // it fences itself (isolated), or ha-service removes it to rebuild it
        await("old primary fenced").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            io.restassured.response.Response r = EndpointFailoverIT.agent("agent-2")
                    .get("/agent/v1/instances/" + oldPrimary + "/replication");
            return r.statusCode() == 404 || r.statusCode() == 200
                    && (r.jsonPath().getBoolean("fenced") || "Standby".equals(r.jsonPath().getString("role")));
        });
    }

    @Test
    @Order(2)
    void aWriteSentStraightToTheOldPrimaryIsNeverAcknowledged() throws Exception {
        assertThrows(SQLException.class, () -> {
            try (Connection c = Stack.connect(oldPort, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '3s'");
                s.execute("INSERT INTO acked (id, client) VALUES (-1, -1)");
            }
        });
    }

    @Test
    @Order(3)
    void theEndpointKeepsLeadingToTheNewPrimary() throws Exception {
        // when the clients go on writing
        awaitProgress(writer, 100, Duration.ofSeconds(30));

        // then the endpoint leads to a writable instance that is not the old primary
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery()")) {
            rs.next();
            assertNotEquals(oldPort, rs.getInt(1), "the endpoint does not lead to the old primary");
            assertFalse(rs.getBoolean(2));
        }
    }

    @Test
    @Order(4)
    void noAcknowledgedCommitIsLost() throws Exception {
        writer.close();
        assertNothingLost(writer, endpoint);
    }

    @Test
    @Order(5)
    void theWriteSentToTheOldPrimaryIsNowhere() throws Exception {
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM acked WHERE id = -1")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
    }

    @Test
    @Order(6)
    void haServiceNamesAnotherInstanceAsThePrimary() throws Exception {
        assertNotEquals(oldPrimary, ha(serverId).getString("primary.instanceId"));
    }

    @Test
    @Order(7)
    void theServerIsDeletedAfterTheHang() throws Exception {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(NAME)));
    }
}
