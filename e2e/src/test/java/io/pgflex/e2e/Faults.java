package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NetHosts;
import io.pgflex.testkit.NodeAgentResource;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One zone-redundant server on separate test hosts ({@link NetHosts}: agent-1 on h1, agent-2 on h2,
 * the router on the platform side) and the faults that the fault-sequence test and the failover
 * bench inflict on its primary's host while four clients write through its endpoint: host loss,
 * PostgreSQL crash with its agent alive, hung host, network partition. Each fault's outcome says
 * how long the clients saw no acknowledgement, whether the server failed over, and what the
 * resource showed meanwhile.
 */
final class Faults {
    static final String SUB = "sub-e2e-faults";
    static final String PASSWORD = "Fault-Seq-pass1!";

    enum Fault {
        /** SIGKILL of every process of the primary's host (agent, PostgreSQL, PgBouncer). */
        HOST_LOSS,
        /** SIGKILL of the primary's PostgreSQL (postmaster and children); its agent lives on. */
        POSTGRES_CRASH,
        /** SIGSTOP of every process of the primary's host; SIGCONT once writes go on. */
        HUNG_HOST,
        /** Every packet in and out of the primary's host dropped; healed once writes go on. */
        PARTITION,
        /** SIGKILL of every process of the standby's host: commits wait for it until the primary goes on alone. */
        STANDBY_LOSS
    }

    /** What the resource showed at one moment. */
    record Sample(long nanos, String state, String haState) {
    }

    /**
     * @param rtoMillis    the longest time without any acknowledged commit (clients' view)
     * @param failedOver   the primary is another instance afterwards
     * @param decision     ha-service's last decision's reason after the fault
     * @param sawOutage    the resource showed the outage (Inaccessible, or FailingOver) during it
     * @param sawDegraded  the resource showed the server without a synchronous standby (ReplicatingData) after the fault
     */
    record Outcome(Fault fault, long rtoMillis, int acknowledged, boolean failedOver, String decision, boolean sawOutage,
                   boolean sawDegraded) {
    }

    final String name;
    final String serverId;
    final NetHosts hosts = NetHosts.shared();
    final int endpoint;

    private Faults(String name, String serverId, int endpoint) {
        this.name = name;
        this.serverId = serverId;
        this.endpoint = endpoint;
    }

    /**
     * Creates the server (its primary on agent-2, h2; {@code storageGb} of storage, a test "GiB" being
     * 8 MiB), admits every address, and waits until its standby is synchronous.
     */
    static Faults server(String name, int storageGb) {
        Stack.start();
        String body = """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "availabilityZone": "2", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s", "storage": {"storageSizeGB": %d},
                 "highAvailability": {"mode": "ZoneRedundant"}}}""".formatted(PASSWORD, storageGb);
        String base = Stack.servers(SUB, "rg-e2e") + "/" + name;
        Stack.expectSucceeded(SUB, Stack.api(SUB).body(body).put(base));
        // the router admits the clients (127.0.0.1); direct connections on a host come from its own address
        Stack.expectSucceeded(SUB, Stack.api(SUB)
                .body("{\"properties\":{\"startIpAddress\":\"0.0.0.0\",\"endIpAddress\":\"255.255.255.255\"}}")
                .put(base + "/firewallRules/all"));
        String serverId = Stack.api(SUB).get(base + "/endpoint").then().statusCode(200)
                .extract().path("properties.members[0].instanceId"); // the first instance is named after the server
        Faults f = new Faults(name, serverId, Stack.api(SUB).get(base).then().statusCode(200).extract().path("properties.port"));
        f.awaitHealthy();
        return f;
    }

    String base() {
        return Stack.servers(SUB, "rg-e2e") + "/" + name;
    }

    JsonPath resource() {
        return Stack.api(SUB).get(base()).then().statusCode(200).extract().jsonPath();
    }

    JsonPath haStatus() {
        return Stack.haApi(SUB).get(base() + "/highAvailabilityStatus").then().statusCode(200).extract().jsonPath();
    }

    /** Healthy again: the standby is synchronous and ready to take over, the resource Ready with its primary available. */
    void awaitHealthy() {
        await(name + " Healthy and ready to fail over").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    JsonPath r = resource();
                    return "Healthy".equals(r.getString("properties.highAvailability.state"))
                            && "Ready".equals(r.getString("properties.state"))
                            && Boolean.TRUE.equals(haStatus().getBoolean("properties.failoverReady"));
                });
    }

    /** ha-service's view of the server: primary and standby (agent, instance, host, port), state, step. */
    JsonPath ha() throws Exception {
        return JsonPath.from(Stack.ha().get("/internal/v1/servers/" + serverId).body());
    }

    /** The test host of an agent (h1, h2). */
    String hostOf(String agent) {
        return hosts.hostOf(NodeAgentResource.address(agent));
    }

    /** Inflicts {@code fault} on the primary's host under four writing clients and returns what the clients and the resource saw. */
    Outcome inflict(Fault fault) throws Exception {
        awaitHealthy();
        JsonPath before = ha();
        String instance = before.getString("primary.instanceId");
        String member = fault == Fault.STANDBY_LOSS ? "standby" : "primary";
        String agent = before.getString(member + ".agentId");
        int instancePort = before.getInt(member + ".port");
        String host = hostOf(agent);
        String address = hosts.address(host);
        List<Sample> samples = new CopyOnWriteArrayList<>();
        java.util.concurrent.ScheduledExecutorService sampler = sampler(samples);
        long[] outage;
        long rto;
        int acknowledged;
        boolean broughtBack = false;
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            HaSteps.awaitProgress(writer, 100, Duration.ofSeconds(30));
            writer.resetGap();
            switch (fault) {
                case HOST_LOSS, STANDBY_LOSS -> HaSteps.signal("KILL", hosts.processes(host));
                case POSTGRES_CRASH -> HaSteps.signal("KILL", postgres(agent, instance));
                case HUNG_HOST -> HaSteps.signal("STOP", hosts.processes(host));
                case PARTITION -> hosts.cut(host);
            }
            HaSteps.awaitProgress(writer, 200, Duration.ofSeconds(60));
            outage = writer.longestGapSpan();
            rto = writer.longestGapMillis();
            writer.close();
            HaSteps.assertNothingLost(writer, endpoint, PASSWORD);
            acknowledged = writer.count();
            // the clients may be back a moment before ha-service has recorded the swap: wait for the step to end
            await("no failover step under way").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> ha().getString("step") == null);
            boolean failedOver = !instance.equals(ha().getString("primary.instanceId"));
            if (failedOver && (fault == Fault.HUNG_HOST || fault == Fault.PARTITION)) {
                assertOldPrimaryTakesNoWrite(fault, host, address, instancePort);
            }
            bringBack(fault, host, agent);
            broughtBack = true;
            String decision = haStatus().getString("properties.lastDecision.reason");
            System.out.printf("fault %s on %s (primary %s): clients saw no acknowledgement for %d ms; failed over %s; %s%n",
                    fault, host, instance, rto, failedOver, decision);
            sampler.shutdownNow();
            boolean degraded = samples.stream().anyMatch(x -> x.nanos() >= outage[0] && "ReplicatingData".equals(x.haState()));
            return new Outcome(fault, rto, acknowledged, failedOver, decision, showed(samples, outage), degraded);
        } finally {
            sampler.shutdownNow();
            if (!broughtBack) {
                try {
                    bringBack(fault, host, agent); // whatever failed, the next fault finds both hosts back
                } catch (Exception e) {
                    System.out.printf("fault %s: bringing %s back failed too: %s%n", fault, host, e); // the first failure counts
                }
            }
        }
    }

    /** The postmaster of the instance and its children, from its pid file under the agent's data root. */
    private List<ProcessHandle> postgres(String agent, String instance) throws Exception {
        Path pid = NodeAgentResource.dataRoot(agent).resolve("instances").resolve(instance).resolve("pgdata/postmaster.pid");
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).orElseThrow();
        List<ProcessHandle> out = new ArrayList<>(List.of(postmaster));
        postmaster.descendants().forEach(out::add);
        return out;
    }

    /**
     * The old primary never acknowledges a write once the standby took over: a write sent to it
     * straight from its own host (where the partition cannot stop it) fails, and is nowhere after.
     */
    private void assertOldPrimaryTakesNoWrite(Fault fault, String host, String address, int port) throws Exception {
        if (fault == Fault.HUNG_HOST) {
            HaSteps.signal("CONT", hosts.processes(host)); // it wakes up, and must not take a write either
        }
        List<String> cmd = new ArrayList<>(hosts.exec(host));
        cmd.addAll(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "host=" + address + " port=" + port
                + " dbname=postgres user=appadmin sslmode=require connect_timeout=3",
                "-c", "SET statement_timeout = '3s'", "-c", "INSERT INTO acked (id, client) VALUES (-1, -1)"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "psql on " + host + " did not end");
        // a commit whose wait for the standby was cancelled is reported as done (with a WARNING): exit 0 fails here
        assertTrue(p.exitValue() != 0, "the isolated old primary acknowledged a write: " + out);
        // and it failed for the right reason: PostgreSQL refused or stopped it, not a missing psql or a typo
        assertTrue(out.matches("(?s).*(psql: error: connection to server|could not connect|Connection refused|server closed the"
                + " connection|terminating connection|canceling statement due to statement timeout|the database system is"
                + " (shutting down|starting up|in recovery mode)|timeout expired).*"), "the write failed for another reason: " + out);
        if (fault == Fault.PARTITION) {
            hosts.heal(host);
        }
        try (Connection c = Stack.connect(endpoint, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM acked WHERE id = -1")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the write sent to the old primary reached the new one");
        }
    }

    /** The host comes back: its agent restarted after a loss, woken after a hang, healed after a partition. */
    private void bringBack(Fault fault, String host, String agent) throws Exception {
        switch (fault) {
            case HOST_LOSS, STANDBY_LOSS -> NodeAgentResource.crashAndRestart(agent);
            case HUNG_HOST -> HaSteps.signal("CONT", hosts.processes(host));
            case PARTITION -> hosts.heal(host);
            case POSTGRES_CRASH -> {
            }
        }
    }

    /** Reads the resource every 100 ms: what it showed while the clients saw the outage. */
    private java.util.concurrent.ScheduledExecutorService sampler(List<Sample> samples) {
        var pool = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resource-sampler");
            t.setDaemon(true);
            return t;
        });
        pool.scheduleWithFixedDelay(() -> {
            try {
                JsonPath r = resource();
                samples.add(new Sample(System.nanoTime(), r.getString("properties.state"),
                        r.getString("properties.highAvailability.state")));
            } catch (RuntimeException e) {
                // a slow or failed read: the next one
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return pool;
    }

    /** Whether the resource said the server was down (Inaccessible, or failing over) during the outage the clients saw. */
    static boolean showed(List<Sample> samples, long[] outage) {
        return samples.stream().anyMatch(s -> s.nanos() >= outage[0] && s.nanos() <= outage[1] + TimeUnit.SECONDS.toNanos(1)
                && ("Inaccessible".equals(s.state()) || "FailingOver".equals(s.haState())));
    }

}
