package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Zone-redundant HA end to end, with real PostgreSQL processes on two node agents (zones 1 and 2):
 * the synchronous standby is built, the primary's host is lost (SIGKILL of its agent and its
 * PostgreSQL together) or hangs (SIGSTOP), ha-service fails over, and every row a client saw
 * acknowledged is on the new primary; killing only an agent or only ha-service fails nothing over;
 * a planned failover swaps roles without losing a commit; turning HA off removes the standby.
 */
class HighAvailabilityIT {
    static final String SUB = "sub-e2e-ha";
    static final String PASSWORD = "H1gh-Avail-pass!";

    /** A zone-redundant General Purpose server whose primary is on agent-2 (zone 2): agent-1 runs the router. */
    static String haBody() {
        return """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "availabilityZone": "2", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s", "highAvailability": {"mode": "ZoneRedundant"}}}""".formatted(PASSWORD);
    }

    static String base(String name) {
        return Stack.servers(SUB, "rg-e2e") + "/" + name;
    }

    static JsonPath resource(String name) {
        return Stack.api(SUB).get(base(name)).then().statusCode(200).extract().jsonPath();
    }

    /** ha-service's view: primary and standby instances, state. */
    static JsonPath ha(String serverId) throws Exception {
        return JsonPath.from(Stack.ha().get("/internal/v1/servers/" + serverId).body());
    }

    static void awaitHa(String name, String state) {
        await(name + " HA " + state).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> state.equals(resource(name).getString("properties.highAvailability.state")));
    }

    /** Creates the server and waits until its standby is synchronous; returns its server id. */
    static String healthyServer(String name) throws Exception {
        Stack.readyServer(SUB, name, haBody());
        String serverId = Stack.api(SUB).get(base(name) + "/endpoint").then().statusCode(200)
                .extract().path("properties.members[0].instanceId"); // the first instance is named after the server
        awaitHa(name, "Healthy");
        JsonPath r = resource(name);
        assertEquals("2", r.getString("properties.availabilityZone"));
        assertEquals("1", r.getString("properties.highAvailability.standbyAvailabilityZone"));
        try (Connection c = Stack.connect(r.getInt("properties.port"), "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sync_state FROM pg_stat_replication")) {
            assertTrue(rs.next(), "the primary streams to a standby");
            assertEquals("sync", rs.getString(1), "the standby is synchronous");
        }
        // failover readiness: the standby's replay lag as ha-service sees it
        await("failover ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                Boolean.TRUE.equals(Stack.haApi(SUB).get(base(name) + "/highAvailabilityStatus").then().statusCode(200)
                        .extract().path("properties.failoverReady")));
        JsonPath status = Stack.haApi(SUB).get(base(name) + "/highAvailabilityStatus").jsonPath();
        assertEquals("streaming", status.getString("properties.replicationState"));
        assertTrue(status.getLong("properties.standbyReplayLagBytes") >= 0);
        return serverId;
    }

    /** The agent process of a host and its instance's PostgreSQL processes (postmaster and children). */
    static List<ProcessHandle> host(String agentId, String instanceId) throws IOException {
        List<ProcessHandle> out = new ArrayList<>();
        out.add(ProcessHandle.of(NodeAgentResource.process(agentId).pid()).orElseThrow());
        Path pid = NodeAgentResource.dataRoot(agentId).resolve("instances").resolve(instanceId).resolve("pgdata/postmaster.pid");
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).orElseThrow();
        out.add(postmaster);
        postmaster.descendants().forEach(out::add);
        return out;
    }

    static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> cmd.add(Long.toString(p.pid())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.waitFor();
    }

    static Set<Long> rows(int port) throws SQLException {
        return rows(port, PASSWORD);
    }

    static Set<Long> rows(int port, String password) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = Stack.connect(port, "appadmin", password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM acked")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    static void assertNothingLost(Writer writer, int endpoint) throws SQLException {
        assertNothingLost(writer, endpoint, PASSWORD);
    }

    static void assertNothingLost(Writer writer, int endpoint, String password) throws SQLException {
        Set<Long> present = rows(endpoint, password);
        Set<Long> lost = new HashSet<>(writer.acknowledged);
        lost.removeAll(present);
        assertTrue(lost.isEmpty(), lost.size() + " acknowledged rows are missing after the failover, e.g. "
                + lost.stream().limit(5).toList());
    }

    /** Waits until the writer has {@code more} acknowledged rows beyond what it has now. */
    static void awaitProgress(Writer writer, int more, Duration within) {
        int target = writer.count() + more;
        try {
            await("writer progress to " + target + " rows").atMost(within).pollInterval(Duration.ofMillis(50))
                    .until(() -> writer.count() >= target);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the writers got to " + writer.count() + " of " + target + " rows; " + writer.errors.get()
                    + " errors, the last: " + writer.lastError, e);
        }
    }

    @Test
    void hostLossFailsOverWithoutLosingAnAcknowledgedCommitThenTheStandbyIsRebuiltAndAPlannedFailoverSwapsBack()
            throws Exception {
        Stack.start();
        String name = "ha-host-loss";
        String serverId = healthyServer(name);
        JsonPath before = ha(serverId);
        String oldPrimary = before.getString("primary.instanceId");
        String oldStandby = before.getString("standby.instanceId");
        assertEquals("agent-2", before.getString("primary.agentId"));
        int endpoint = resource(name).getInt("properties.port");

        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.resetGap();
            signal("KILL", host("agent-2", oldPrimary)); // the primary's host is lost
            awaitProgress(writer, 200, Duration.ofSeconds(60));
            System.out.printf("host loss: clients saw no acknowledgement for %d ms; %d rows acknowledged%n",
                    writer.longestGapMillis(), writer.count());
            writer.close();
            assertNothingLost(writer, endpoint);
        }
        await("the standby is the primary").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> oldStandby.equals(ha(serverId).getString("primary.instanceId")));
        await("the resource shows the new primary's zone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> "1".equals(resource(name).getString("properties.availabilityZone")));
        assertTrue(resource(name).getString("properties.highAvailability.degradedReason") != null,
                "the resource says it runs without a synchronous standby");

        // the lost host comes back: its old primary is not started again, but rebuilt as the new standby
        NodeAgentResource.crashAndRestart("agent-2");
        awaitHa(name, "Healthy");
        JsonPath rebuilt = ha(serverId);
        assertEquals(oldPrimary, rebuilt.getString("standby.instanceId"));
        EndpointFailoverIT.agent("agent-2").get("/agent/v1/instances/" + oldPrimary + "/replication").then()
                .statusCode(200).body("role", equalTo("Standby")).body("inRecovery", equalTo(true));

        // planned failover back: no commit lost, roles swapped, Healthy again
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            awaitProgress(writer, 100, Duration.ofSeconds(30));
            Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"restartWithFailover\": true, \"failoverMode\": \"PlannedFailover\"}")
                    .post(base(name) + "/restart"));
            awaitProgress(writer, 100, Duration.ofSeconds(60));
            writer.close();
            assertNothingLost(writer, endpoint);
        }
        awaitHa(name, "Healthy");
        JsonPath swapped = ha(serverId);
        assertEquals(oldPrimary, swapped.getString("primary.instanceId"), "roles swapped back");
        assertEquals(oldStandby, swapped.getString("standby.instanceId"));
        assertEquals("2", resource(name).getString("properties.availabilityZone"));
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(name)));
    }

    @Test
    void haServiceKilledInTheMiddleOfAFailoverFinishesItAfterItsRestart() throws Exception {
        Stack.start();
        String name = "ha-resume";
        String serverId = healthyServer(name);
        String oldPrimary = ha(serverId).getString("primary.instanceId");
        String oldStandby = ha(serverId).getString("standby.instanceId");
        int endpoint = resource(name).getInt("properties.port");
        // an ha-service that pauses before each failover step, so it can be killed between two of them
        Stack.killHa();
        Stack.restartHa(java.util.Map.of("PGFLEX_HA_STEP_PAUSE", "20s"));
        await("healthy again under the new ha-service").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> "Healthy".equals(ha(serverId).getString("haState")));
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            awaitProgress(writer, 100, Duration.ofSeconds(30));
            signal("KILL", host("agent-2", oldPrimary));
            // the old primary's agent is gone with its host: the fence step is the one that does not wait for it
            await("failover recorded (step FenceUnreachable)").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> "FenceUnreachable".equals(ha(serverId).getString("step")));
            Stack.killHa(); // between "decided and announced" and fencing/promoting
            Stack.restartHa();
            awaitProgress(writer, 200, Duration.ofSeconds(60));
            writer.close();
            assertNothingLost(writer, endpoint);
        }
        await("the failover finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> oldStandby.equals(ha(serverId).getString("primary.instanceId")) && ha(serverId).getString("step") == null);
        NodeAgentResource.crashAndRestart("agent-2");
        awaitHa(name, "Healthy");
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(name)));
    }

    @Test
    void aHungPrimaryIsFailedOverAndNeverAcceptsAWriteOrTrafficAgain() throws Exception {
        Stack.start();
        String name = "ha-hung";
        String serverId = healthyServer(name);
        String oldPrimary = ha(serverId).getString("primary.instanceId");
        int oldPort = ha(serverId).getInt("primary.port");
        int endpoint = resource(name).getInt("properties.port");
        List<ProcessHandle> hung = host("agent-2", oldPrimary);
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.resetGap();
            signal("STOP", hung); // the host hangs: its port still accepts TCP, nothing answers
            try {
                awaitProgress(writer, 200, Duration.ofSeconds(60));
                System.out.printf("hung host: clients saw no acknowledgement for %d ms%n", writer.longestGapMillis());
            } finally {
                signal("CONT", hung);
            }
            // the old primary wakes up: it fences itself (isolated), or ha-service removes it to rebuild it
            await("old primary fenced").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                io.restassured.response.Response r = EndpointFailoverIT.agent("agent-2")
                        .get("/agent/v1/instances/" + oldPrimary + "/replication");
                return r.statusCode() == 404 || r.statusCode() == 200
                        && (r.jsonPath().getBoolean("fenced") || "Standby".equals(r.jsonPath().getString("role")));
            });
            // a write sent straight to the old primary's port is never acknowledged
            assertThrows(SQLException.class, () -> {
                try (Connection c = Stack.connect(oldPort, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                    s.execute("SET statement_timeout = '3s'");
                    s.execute("INSERT INTO acked (id, client) VALUES (-1, -1)");
                }
            });
            // the endpoint keeps leading to the new primary
            awaitProgress(writer, 100, Duration.ofSeconds(30));
            writer.close();
            assertNothingLost(writer, endpoint);
            try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery(),"
                         + " (SELECT count(*) FROM acked WHERE id = -1)")) {
                rs.next();
                assertNotEquals(oldPort, rs.getInt(1), "the endpoint does not lead to the old primary");
                assertEquals(false, rs.getBoolean(2));
                assertEquals(0, rs.getLong(3), "the write to the old primary is nowhere");
            }
        }
        assertNotEquals(oldPrimary, ha(serverId).getString("primary.instanceId"));
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(name)));
    }

    @Test
    void losingOnlyTheAgentOrOnlyHaServiceFailsNothingOverAndHaTurnsOffCleanly() throws Exception {
        Stack.start();
        String name = "ha-calm";
        String serverId = healthyServer(name);
        String primary = ha(serverId).getString("primary.instanceId");
        String standby = ha(serverId).getString("standby.instanceId");
        int endpoint = resource(name).getInt("properties.port");
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 2)) {
            awaitProgress(writer, 50, Duration.ofSeconds(30));
            // the primary's agent dies and comes back; its PostgreSQL keeps serving
            NodeAgentResource.process("agent-2").kill();
            await("no failover while the agent is away").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> "Healthy".equals(resource(name).getString("properties.highAvailability.state")));
            NodeAgentResource.crashAndRestart("agent-2");
            // ha-service dies and comes back
            Stack.killHa();
            int rows = writer.count();
            await("writes go on without ha-service").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .pollInterval(Duration.ofMillis(250)).until(() -> writer.count() > rows);
            Stack.restartHa();
            await("no failover after ha-service's return").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> primary.equals(ha(serverId).getString("primary.instanceId"))
                            && "Healthy".equals(ha(serverId).getString("haState")));
            awaitProgress(writer, 50, Duration.ofSeconds(30));
            writer.close();
            assertNothingLost(writer, endpoint);
        }

        // HA off: the standby goes, the primary no longer waits for anyone
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\": {\"highAvailability\": {\"mode\": \"Disabled\"}}}")
                .patch(base(name)));
        awaitHa(name, "NotEnabled");
        EndpointFailoverIT.agent("agent-1").get("/agent/v1/instances/" + standby).then().statusCode(404);
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
        await("the endpoint has the primary alone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Stack.api(SUB).get(base(name) + "/endpoint").then().statusCode(200).extract()
                        .jsonPath().getList("properties.members").size() == 1);

        // and on again by PATCH: a new synchronous standby from the running primary, with the data
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\": {\"highAvailability\": {\"mode\": \"ZoneRedundant\"}}}")
                .patch(base(name)));
        awaitHa(name, "Healthy");
        String newStandby = ha(serverId).getString("standby.instanceId");
        await("the new standby has the rows").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    int port = ha(serverId).getInt("standby.port");
                    try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), count(*) FROM acked WHERE id = -2")) {
                        rs.next();
                        return rs.getBoolean(1) && rs.getLong(2) == 1;
                    }
                });
        assertEquals("agent-1", ha(serverId).getString("standby.agentId"), "the standby is in the other zone: " + newStandby);
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(name)));
    }
}
