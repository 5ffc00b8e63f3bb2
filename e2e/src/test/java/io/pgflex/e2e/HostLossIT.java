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
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.pgflex.testkit.NodeAgentResource;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The primary's host is lost (SIGKILL of its agent and its PostgreSQL together) under write load: ha-service fails
 * over without losing an acknowledged commit, the resource tells the truth while the server runs alone, the lost
 * host comes back as the new standby, and a planned failover swaps the roles back without losing a commit. One
 * behaviour per test, in this order; the server and the host loss are made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostLossIT {
    private static final String NAME = "ha-host-loss";
    private static String serverId;
    private static String oldPrimary;
    private static String oldStandby;
    private static int endpoint;
    private static Writer duringLoss;

    /** Given a zone-redundant server with its primary on agent-2, four clients committing, and agent-2's host lost. */
    @BeforeAll
    static void primarysHostLostUnderLoad() throws Exception {
        Stack.start();
        HaSteps.HaServer server = HaSteps.healthyHaServer(NAME);
        serverId = server.serverId();
        oldPrimary = server.primary();
        oldStandby = server.standby();
        endpoint = server.endpoint();
        assertEquals("agent-2", ha(serverId).getString("primary.agentId"));
        duringLoss = new Writer(endpoint, "appadmin", PASSWORD, 4);
        try {
            awaitProgress(duringLoss, 200, Duration.ofSeconds(30));
            duringLoss.resetGap();
            HaSteps.signal("KILL", HaSteps.host("agent-2", oldPrimary));
            awaitProgress(duringLoss, 200, Duration.ofSeconds(60));
            System.out.printf("host loss: clients saw no acknowledgement for %d ms; %d rows acknowledged%n",
                    duringLoss.longestGapMillis(), duringLoss.count());
        } finally {
            duringLoss.close();
        }
    }

    @AfterAll
    static void restoreAndDelete() {
        HaSteps.restoreKilledProcesses();
        HaSteps.deleteQuietly(NAME);
    }

    @Test
    @Order(1)
    void noAcknowledgedCommitIsLost() throws Exception {
        assertNothingLost(duringLoss, endpoint);
    }

    @Test
    @Order(2)
    void theStandbyBecomesThePrimary() throws Exception {
        await("the standby is the primary").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> oldStandby.equals(ha(serverId).getString("primary.instanceId")));
    }

    @Test
    @Order(3)
    void theResourceShowsTheNewPrimarysZone() throws Exception {
        await("the resource shows the new primary's zone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> "1".equals(resource(NAME).getString("properties.availabilityZone")));
    }

    @Test
    @Order(4)
    void theResourceSaysItRunsWithoutASynchronousStandby() throws Exception {
        assertNotNull(resource(NAME).getString("properties.highAvailability.degradedReason"));
    }

    @Test
    @Order(5)
    void theLostHostComesBackWithItsOldPrimaryRebuiltAsTheStandby() throws Exception {
        // when the lost host comes back
        NodeAgentResource.crashAndRestart("agent-2");

        // then its old primary is not started again as a primary: it is the new synchronous standby
        awaitHa(NAME, "Healthy");
        assertEquals(oldPrimary, ha(serverId).getString("standby.instanceId"));
        EndpointFailoverIT.agent("agent-2").get("/agent/v1/instances/" + oldPrimary + "/replication").then()
                .statusCode(200).body("role", equalTo("Standby")).body("inRecovery", equalTo(true));
    }

    @Test
    @Order(6)
    void aPlannedFailoverBackLosesNoCommit() throws Exception {
        // given clients committing
        Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4);
        try {
            awaitProgress(writer, 100, Duration.ofSeconds(30));

            // when a planned failover is asked for
            Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"restartWithFailover\": true, \"failoverMode\": \"PlannedFailover\"}")
                    .post(base(NAME) + "/restart"));
            awaitProgress(writer, 100, Duration.ofSeconds(60));
        } finally {
            writer.close();
        }

        // then every acknowledged row is there
        assertNothingLost(writer, endpoint);
    }

    @Test
    @Order(7)
    void thePlannedFailoverSwapsTheRolesBack() throws Exception {
        awaitHa(NAME, "Healthy");
        JsonPath swapped = ha(serverId);
        assertEquals(oldPrimary, swapped.getString("primary.instanceId"), "roles swapped back");
        assertEquals(oldStandby, swapped.getString("standby.instanceId"));
        assertEquals("2", resource(NAME).getString("properties.availabilityZone"));
    }

    @Test
    @Order(8)
    void theServerIsDeletedAfterItsFailovers() throws Exception {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(NAME)));
    }
}
