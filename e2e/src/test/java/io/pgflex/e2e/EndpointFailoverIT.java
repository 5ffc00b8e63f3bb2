package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresBinaries;
import io.pgflex.testkit.RecordWriter;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

/**
 * The endpoint follows the primary: a second instance of a server (on agent-2, zone 2) is made a
 * standby by hand and joins the server's route; the primary's PostgreSQL is stopped and the standby
 * promoted by hand; clients that keep connecting to the same endpoint reach the new primary within
 * one second of the promotion, with no change on their side. (The HA issue's failover does the
 * same steps automatically and with replication; here the router alone is under test.)
 */
class EndpointFailoverIT {
    static final String SUB = "sub-e2e-failover";
    static final String PASSWORD = "F4ilover-pass!";

    static RequestSpecification agent(String id) {
        if ("agent-1".equals(id)) {
            NodeAgentResource.shared();
        } else {
            NodeAgentResource.second();
        }
        // as provisioning-service: these tests place instances by hand, as provisioning does
        return NodeAgentResource.call(id, "provisioning-service").contentType(ContentType.JSON);
    }

    static void pgCtl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--",
                PostgresBinaries.binDir().resolve("pg_ctl").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void theEndpointLeadsToAPromotedInstanceWithinOneSecond() throws Exception {
        Stack.start();
        String base = Stack.servers(SUB, "rg-e2e") + "/failover-by-hand";
        int endpoint = Stack.readyServer(SUB, "failover-by-hand", """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "15", "availabilityZone": "1", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s"}}""".formatted(PASSWORD));
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"value\":\"on\",\"source\":\"user-override\"}}")
                .put(base + "/configurations/pgbouncer.enabled"));
        Map<String, Object> member = Stack.api(SUB).get(base + "/endpoint").then().statusCode(200)
                .body("properties.state", equalTo("Routable")).extract().path("properties.members[0]");
        String primaryId = (String) member.get("instanceId");
        String serverId = primaryId; // provisioning names a server's first instance after the server
        int primaryPort = Integer.parseInt(((String) member.get("address")).split(":")[1]);

        // a second instance of the server on agent-2, made a standby by hand (standby.signal)
        String standbyId = UUID.randomUUID().toString();
        String spec = """
                {"operationId":"by-hand","serverId":"%s","subscriptionId":"%s","serverName":"failover-by-hand",
                 "engineVersion":"15","skuName":"Standard_D2ds_v5","storageSizeGb":32,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{"pgbouncer.enabled":"on"},
                 "firewallRules":[{"name":"local","startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}],
                 "publicNetworkAccess":true,"desiredState":"Running"}"""
                .formatted(serverId, SUB, PasswordUtil.encodeScramSha256(PASSWORD.toCharArray()));
        int standbyPort = agent("agent-2").body(spec).put("/agent/v1/instances/" + standbyId).then().statusCode(200)
                .extract().path("port");
        Path standbyData = NodeAgentResource.dataRoot("agent-2").resolve("instances").resolve(standbyId).resolve("pgdata");
        Files.writeString(standbyData.resolve("standby.signal"), "");
        agent("agent-2").post("/agent/v1/instances/" + standbyId + "/restart").then().statusCode(200);

        // the route now has both members (as the HA service will announce them), the primary first
        try (RecordWriter kafka = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
            kafka.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), EventType.ENDPOINT_UPDATED.ceType(), """
                    {"serverId":"%s","subscriptionId":"%s","operationId":"by-hand","version":1,"name":"failover-by-hand",
                     "generation":1000000,"host":"localhost","port":%d,"pgBouncerPort":%d,"publicNetworkAccess":true,
                     "allowedRanges":[{"name":"local","startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}],
                     "members":[%s,%s],"updatedAt":"2026-01-01T00:00:00Z"}"""
                    .formatted(serverId, SUB, endpoint, endpoint + 1000,
                            member(primaryId, "agent-1", primaryPort), member(standbyId, "agent-2", standbyPort)));
        }
        await("both members in the route").atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                Stack.api(SUB).get(base + "/endpoint").then().statusCode(200)
                        .body("properties.members.size()", equalTo(2))
                        .body("properties.primaryInstanceId", equalTo(primaryId))
                        .body("properties.members[1].state", org.hamcrest.Matchers.startsWith("DOWN")));
        assertEquals(primaryPort, serverPort(endpoint), "the endpoint leads to the primary, not to the standby");
        assertEquals(primaryPort, serverPort(endpoint + 1000), "and so does its PgBouncer port");

        // a client keeps connecting to the endpoint; the primary stops, the standby is promoted
        AtomicLong firstOnNewPrimary = new AtomicLong();
        Thread client = new Thread(() -> {
            while (firstOnNewPrimary.get() == 0 && !Thread.currentThread().isInterrupted()) {
                try {
                    if (serverPort(endpoint) == standbyPort) {
                        firstOnNewPrimary.set(System.nanoTime());
                    }
                } catch (Exception notNow) {
                    // no primary behind the endpoint at this moment: try again
                }
            }
        }, "endpoint-client");
        Path primaryRoot = NodeAgentResource.dataRoot("agent-1").resolve("instances").resolve(primaryId);
        // fence first, as the HA failover does: its agent neither reports it primary nor starts it again
        Files.writeString(primaryRoot.resolve("fenced"), "fenced by hand\n");
        pgCtl("-D", primaryRoot.resolve("pgdata").toString(), "-m", "immediate", "-w", "stop");
        client.start();
        pgCtl("-D", standbyData.toString(), "-w", "promote");
        long promoted = System.nanoTime();
        try {
            await("the endpoint leads to the promoted instance").atMost(Duration.ofSeconds(10))
                    .until(() -> firstOnNewPrimary.get() != 0);
        } finally {
            client.interrupt();
        }
        long millis = Duration.ofNanos(firstOnNewPrimary.get() - promoted).toMillis();
        System.out.printf("the endpoint led to the promoted instance %d ms after pg_ctl promote returned%n", millis);
        assertTrue(millis <= 1000, "the endpoint reached the new primary " + millis + " ms after the promotion");
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE after_promotion (v int)"); // it takes writes: a primary
        }
        Stack.api(SUB).get(base + "/endpoint").then().body("properties.primaryInstanceId", equalTo(standbyId));
        // pooled connections follow too: the PgBouncer port leads to the new primary's PgBouncer
        await("PgBouncer follows").atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> serverPort(endpoint + 1000) == standbyPort);

        agent("agent-2").delete("/agent/v1/instances/" + standbyId).then().statusCode(200);
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
    }

    static String member(String instanceId, String agentId, int port) {
        int checkPort = agent(agentId).get("/agent/v1/info").then().statusCode(200).extract().path("checkPort");
        return """
                {"instanceId":"%s","agentId":"%s","host":"localhost","port":%d,"pgBouncerPort":%d,
                 "checkHost":"127.0.0.1","checkPort":%d}""".formatted(instanceId, agentId, port, port + 1000, checkPort);
    }

    /** The port of the PostgreSQL the endpoint leads to (the instance's own port, seen from inside), or -1 for a standby. */
    static int serverPort(int endpoint) throws Exception {
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('port')::int, pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(2) ? -1 : rs.getInt(1);
        }
    }
}
