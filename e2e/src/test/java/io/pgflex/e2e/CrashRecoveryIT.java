package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
 * Crashes of the node agent and of provisioning-service lose nothing and leave nothing half-made. One behaviour per
 * test, in this order; the server on agent-1 is made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
    static final String SUB = "sub-e2e-crash";
    static final String PASSWORD = "Cr4sh-pass!";

    private static int port;

    /** Given a server on agent-1 (the agent these tests kill) with a row written. */
    @BeforeAll
    static void serverWithARowOnAgentOne() throws Exception {
        Stack.start();
        port = Stack.readyServer(SUB, "crash-agent", Stack.serverBody("15", "appadmin", PASSWORD, "1"));
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('survives')");
        }
    }

    @AfterAll
    static void agentBackIfATestLeftItDeadAndServerGone() {
        if (!Stack.started()) {
            return;
        }
        if (!NodeAgentResource.shared().alive()) {
            NodeAgentResource.crashAndRestart();
        }
        String base = Stack.servers(SUB, "rg-e2e") + "/crash-agent";
        if (Stack.api(SUB).get(base).statusCode() == 200) {
            Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
        }
    }

    @Test
    @Order(1)
    void postgresKeepsServingThroughTheEndpointWhileItsAgentIsDown() throws Exception {
        // when the agent dies
        NodeAgentResource.shared().kill();

        // then PostgreSQL keeps serving, and the endpoint keeps leading to it (the router ignores an agent-check nobody
        // answers) for longer than the router needs to mark a member down
        await("the endpoint serves while the agent is down").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    try (Connection c = Stack.connect(port, "appadmin", PASSWORD)) {
                        return c.isValid(2);
                    }
                });
    }

    @Test
    @Order(2)
    void theRestartedAgentFindsItsStoppedInstanceAndStartsItWithItsData() throws Exception {
        // given the host "rebooted" its PostgreSQL too (the agent is down: test 1)
        Path instances = NodeAgentResource.dataRoot().resolve("instances");
        Path pgdata;
        try (var dirs = Files.list(instances)) {
            pgdata = dirs.map(d -> d.resolve("pgdata")).filter(d -> Files.exists(d.resolve("postmaster.pid"))).findFirst().orElseThrow();
        }
        Process stop = new ProcessBuilder(List.of("runuser", "-u", "postgres", "--",
                PostgresBinaries.binDir().resolve("pg_ctl").toString(), "-D", pgdata.toString(), "-m", "fast", "-w", "stop"))
                .redirectErrorStream(true).start();
        assertEquals(0, stop.waitFor(), new String(stop.getInputStream().readAllBytes()));

        // when the agent starts again
        NodeAgentResource.crashAndRestart();

        // then the instance serves its row again
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                return rs.next() && rs.getString(1).equals("survives");
            }
        });
    }

    @Test
    @Order(3)
    void theServerIsDeletedAfterItsAgentCameBack() throws Exception {
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/crash-agent"));
    }

    @Test
    @Order(4)
    void aCreateAcceptedJustBeforeProvisioningCrashesFinishesAfterItsRestart() throws Exception {
        // given a create accepted
        String base = Stack.servers(SUB, "rg-e2e") + "/crash-prov";
        var accepted = Stack.api(SUB).body(Stack.serverBody("16", "appadmin", PASSWORD)).put(base);
        assertEquals(201, accepted.statusCode(), accepted.asString());

        // when provisioning-service is killed right after accepting (the operation is persisted, nothing else may be)
        Stack.crashAndRestartProvisioning();

        // then the operation succeeds and the server is Ready and reachable
        Stack.expectSucceeded(SUB, accepted);
        Stack.api(SUB).get(base).then().statusCode(200).body("properties.state", org.hamcrest.Matchers.equalTo("Ready"));
        Stack.expectSucceeded(SUB, Stack.api(SUB)
                .body("{\"properties\":{\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}}")
                .put(base + "/firewallRules/local"));
        int port = Stack.api(SUB).get(base).then().extract().path("properties.port");
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD)) {
            assertTrue(c.isValid(2));
        }
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
    }
}
