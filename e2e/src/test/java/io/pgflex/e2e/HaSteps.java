package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
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

/**
 * The steps the zone-redundant HA tests share: a server whose standby is synchronous (primary on agent-2, zone 2;
 * agent-1 runs the router), a host's processes and signals to them, and the check that every row a client saw
 * acknowledged is still there.
 */
final class HaSteps {
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

    /** A healthy zone-redundant server as ha-service and the API see it before a test harms it. */
    record HaServer(String serverId, String primary, String standby, int endpoint) {
    }

    /** {@link #healthyServer} with its instances and endpoint port. */
    static HaServer healthyHaServer(String name) throws Exception {
        String serverId = healthyServer(name);
        JsonPath view = ha(serverId);
        return new HaServer(serverId, view.getString("primary.instanceId"), view.getString("standby.instanceId"),
                resource(name).getInt("properties.port"));
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

    /**
     * Every row a writer saw acknowledged is on the server behind the endpoint. The rows are read with a reconnect
     * (as the writers do): right after a failover the router may still be settling — an endpoint that answers a
     * moment later has lost nothing, and the writers' gaps measure the outage.
     */
    static void assertNothingLost(Writer writer, int endpoint, String password) throws SQLException {
        Set<Long> present = await("the rows through the endpoint").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .ignoreException(SQLException.class).until(() -> rows(endpoint, password), r -> true);
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

    /** Deletes a test's server at the end of its class and waits for it (best effort: its last test checks the delete). */
    static void deleteQuietly(String name) {
        try {
            if (Stack.api(SUB).get(base(name)).statusCode() == 200) {
                Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(name)));
            }
        } catch (RuntimeException | AssertionError e) {
            System.out.printf("%s not deleted after its class: %s%n", name, e.getMessage());
        }
    }

    /**
     * Brings back what an HA test kills (agent-2, ha-service) if a failed test left it dead, so the classes after it
     * start from a whole stack.
     */
    static void restoreKilledProcesses() {
        if (!Stack.started()) {
            return; // the stack never came up: nothing was killed
        }
        var agent = NodeAgentResource.process("agent-2");
        if (agent != null && !agent.alive()) {
            NodeAgentResource.crashAndRestart("agent-2");
        }
        if (!Stack.ha().alive()) {
            Stack.restartHa();
        }
    }
}
