package io.pgflex.e2e;

import static io.pgflex.e2e.HaSteps.PASSWORD;
import static io.pgflex.e2e.HaSteps.SUB;
import static io.pgflex.e2e.HaSteps.assertNothingLost;
import static io.pgflex.e2e.HaSteps.awaitHa;
import static io.pgflex.e2e.HaSteps.awaitProgress;
import static io.pgflex.e2e.HaSteps.base;
import static io.pgflex.e2e.HaSteps.ha;
import static io.pgflex.e2e.HaSteps.resource;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.testkit.NodeAgentResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What must not fail a server over: losing only the primary's agent (its PostgreSQL keeps serving) or only
 * ha-service; then HA turned off (the standby goes, the primary waits for nobody) and on again (a new synchronous
 * standby with the data). One behaviour per test, in this order; the server and its clients are made once for the
 * class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaWithoutFailoverIT {
    private static final String NAME = "ha-calm";
    private static String serverId;
    private static String primary;
    private static String standby;
    private static int endpoint;
    private static Writer writer;

    /** Given a zone-redundant server with two clients committing. */
    @BeforeAll
    static void serverUnderLoad() throws Exception {
        Stack.start();
        HaSteps.HaServer server = HaSteps.healthyHaServer(NAME);
        serverId = server.serverId();
        primary = server.primary();
        standby = server.standby();
        endpoint = server.endpoint();
        writer = new Writer(endpoint, "appadmin", PASSWORD, 2);
        awaitProgress(writer, 50, Duration.ofSeconds(30));
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
    void losingOnlyThePrimarysAgentFailsNothingOver() throws Exception {
        // when the primary's agent dies (its PostgreSQL keeps serving)
        NodeAgentResource.process("agent-2").kill();

        // then the server stays Healthy while the agent is away
        try {
            await("no failover while the agent is away").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> "Healthy".equals(resource(NAME).getString("properties.highAvailability.state")));
        } finally {
            NodeAgentResource.crashAndRestart("agent-2");
        }
    }

    @Test
    @Order(2)
    void writesGoOnWithoutHaService() throws Exception {
        // when ha-service dies (test 3 brings it back; the class's end does if this fails)
        Stack.killHa();

        // then the clients keep committing
        int rows = writer.count();
        await("writes go on without ha-service").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .pollInterval(Duration.ofMillis(250)).until(() -> writer.count() > rows);
    }

    @Test
    @Order(3)
    void haServicesReturnFailsNothingOver() throws Exception {
        // when ha-service comes back
        if (!Stack.ha().alive()) {
            Stack.restartHa();
        }

        // then it keeps the same primary and finds the server Healthy
        await("no failover after ha-service's return").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> primary.equals(ha(serverId).getString("primary.instanceId"))
                        && "Healthy".equals(ha(serverId).getString("haState")));
    }

    @Test
    @Order(4)
    void noAcknowledgedCommitIsLostThroughout() throws Exception {
        awaitProgress(writer, 50, Duration.ofSeconds(30));
        writer.close();
        assertNothingLost(writer, endpoint);
    }

    @Test
    @Order(5)
    void turningHaOffRemovesTheStandby() throws Exception {
        // when HA is turned off
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\": {\"highAvailability\": {\"mode\": \"Disabled\"}}}")
                .patch(base(NAME)));

        // then the server says so and the standby instance is gone from its agent
        awaitHa(NAME, "NotEnabled");
        EndpointFailoverIT.agent("agent-1").get("/agent/v1/instances/" + standby).then().statusCode(404);
    }

    @Test
    @Order(6)
    void withHaOffThePrimaryWaitsForNoStandby() throws Exception {
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW synchronous_standby_names")) {
                rs.next();
                assertEquals("", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication")) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
            s.execute("INSERT INTO acked (id, client) VALUES (-2, -2)");
        }
    }

    @Test
    @Order(7)
    void withHaOffTheEndpointHasThePrimaryAlone() throws Exception {
        await("the endpoint has the primary alone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Stack.api(SUB).get(base(NAME) + "/endpoint").then().statusCode(200).extract()
                        .jsonPath().getList("properties.members").size() == 1);
    }

    @Test
    @Order(8)
    void turningHaOnAgainBuildsASynchronousStandbyWithTheData() throws Exception {
        // when HA is turned on again by PATCH
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\": {\"highAvailability\": {\"mode\": \"ZoneRedundant\"}}}")
                .patch(base(NAME)));

        // then a new standby, cloned from the running primary, has the row written while HA was off
        awaitHa(NAME, "Healthy");
        await("the new standby has the rows").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    int port = ha(serverId).getInt("standby.port");
                    try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), count(*) FROM acked WHERE id = -2")) {
                        rs.next();
                        return rs.getBoolean(1) && rs.getLong(2) == 1;
                    }
                });
    }

    @Test
    @Order(9)
    void theNewStandbyIsInTheOtherZone() throws Exception {
        assertEquals("agent-1", ha(serverId).getString("standby.agentId"));
    }

    @Test
    @Order(10)
    void theServerIsDeletedWithItsNewStandby() throws Exception {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(NAME)));
    }
}
