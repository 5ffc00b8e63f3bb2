package io.pgflex.e2e;

import static io.pgflex.e2e.HaSteps.PASSWORD;
import static io.pgflex.e2e.HaSteps.SUB;
import static io.pgflex.e2e.HaSteps.assertNothingLost;
import static io.pgflex.e2e.HaSteps.awaitHa;
import static io.pgflex.e2e.HaSteps.awaitProgress;
import static io.pgflex.e2e.HaSteps.base;
import static io.pgflex.e2e.HaSteps.ha;
import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.NodeAgentResource;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ha-service is killed in the middle of a failover (after deciding and announcing it, before fencing and
 * promoting): the restarted ha-service finishes it from its record, no acknowledged commit is lost, and the lost
 * host rejoins. One behaviour per test, in this order; the failover and the kill are made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverResumeIT {
    private static final String NAME = "ha-resume";
    private static String serverId;
    private static String oldStandby;
    private static int endpoint;
    private static Writer writer;
    /** ha-service runs with its step pause (other classes need it without: restored after the class if a step failed). */
    private static boolean paused;

    /**
     * Given a zone-redundant server under write load watched by an ha-service that pauses 20 s before each failover
     * step, its primary's host lost, and ha-service killed and restarted once the failover is at its fence step.
     */
    @BeforeAll
    static void haServiceKilledMidFailover() throws Exception {
        Stack.start();
        HaSteps.HaServer server = HaSteps.healthyHaServer(NAME);
        serverId = server.serverId();
        String oldPrimary = server.primary();
        oldStandby = server.standby();
        endpoint = server.endpoint();
        Stack.killHa();
        paused = true;
        Stack.restartHa(java.util.Map.of("PGFLEX_HA_STEP_PAUSE", "20s"));
        await("healthy again under the new ha-service").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> "Healthy".equals(ha(serverId).getString("haState")));
        writer = new Writer(endpoint, "appadmin", PASSWORD, 4);
        try {
            awaitProgress(writer, 100, Duration.ofSeconds(30));
            HaSteps.signal("KILL", HaSteps.host("agent-2", oldPrimary));
            // the old primary's agent is gone with its host: the fence step is the one that does not wait for it
            await("failover recorded (step FenceUnreachable)").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> "FenceUnreachable".equals(ha(serverId).getString("step")));
            Stack.killHa();
            Stack.restartHa();
            paused = false;
            awaitProgress(writer, 200, Duration.ofSeconds(60));
        } finally {
            writer.close();
        }
    }

    @AfterAll
    static void restoreAndDelete() {
        if (paused && Stack.ha().alive()) {
            Stack.killHa();
        }
        HaSteps.restoreKilledProcesses();
        HaSteps.deleteQuietly(NAME);
    }

    @Test
    @Order(1)
    void noAcknowledgedCommitIsLost() throws Exception {
        assertNothingLost(writer, endpoint);
    }

    @Test
    @Order(2)
    void theRestartedHaServiceFinishesTheFailover() throws Exception {
        await("the failover finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> oldStandby.equals(ha(serverId).getString("primary.instanceId")) && ha(serverId).getString("step") == null);
    }

    @Test
    @Order(3)
    void theLostHostRejoinsAndTheServerIsHealthyAgain() throws Exception {
        // when the lost host comes back
        NodeAgentResource.crashAndRestart("agent-2");

        // then the server has its synchronous standby again
        awaitHa(NAME, "Healthy");
    }

    @Test
    @Order(4)
    void theServerIsDeletedAfterTheResumedFailover() throws Exception {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(NAME)));
    }
}
