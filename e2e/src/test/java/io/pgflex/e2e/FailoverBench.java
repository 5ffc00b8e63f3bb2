package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.NodeAgentResource;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The failover benchmark (not part of the test suite: run by {@code bench/failover.sh}). On the
 * same real parts as the end-to-end tests: a zone-redundant server under write load from several
 * concurrent clients; its primary's host is lost (SIGKILL of its agent and its PostgreSQL together)
 * {@code pgflex.bench.failovers} times. Each time it measures, from the clients, the time from the
 * last acknowledged commit on the old primary to the first on the new one through the endpoint
 * (RTO), and counts acknowledged rows missing afterwards (RPO). Then pgbench TPS of the same server
 * with and without its synchronous standby, side by side. Prints one RESULT line.
 */
class FailoverBench {
    static final String SUB = "sub-bench-failover";
    static final String PASSWORD = HighAvailabilityIT.PASSWORD;

    @Test
    void failovers() throws Exception {
        int rounds = Integer.getInteger("pgflex.bench.failovers", 10);
        int clients = Integer.getInteger("pgflex.bench.clients", 4);
        Stack.start();
        String name = "bench-failover";
        String base = Stack.servers(SUB, "rg-e2e") + "/" + name; // where Stack.readyServer creates it
        int endpoint = Stack.readyServer(SUB, name, HighAvailabilityIT.haBody());
        awaitHa(base, "Healthy");
        String serverId = Stack.api(SUB).get(base + "/endpoint").then().extract().path("properties.members[0].instanceId");
        List<Long> rtos = new ArrayList<>();
        long lost = 0;
        long acknowledged = 0;
        for (int i = 1; i <= rounds; i++) {
            JsonPath ha = HighAvailabilityIT.ha(serverId);
            String agent = ha.getString("primary.agentId");
            String primary = ha.getString("primary.instanceId");
            try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, clients)) {
                HighAvailabilityIT.awaitProgress(writer, 200, Duration.ofSeconds(30));
                writer.resetGap();
                HighAvailabilityIT.signal("KILL", HighAvailabilityIT.host(agent, primary));
                HighAvailabilityIT.awaitProgress(writer, 200, Duration.ofSeconds(90));
                writer.close();
                Set<Long> missing = new HashSet<>(writer.acknowledged);
                missing.removeAll(HighAvailabilityIT.rows(endpoint));
                rtos.add(writer.longestGapMillis());
                lost += missing.size();
                acknowledged += writer.count();
                System.out.printf("failover %2d: primary %s on %s lost; clients saw no commit for %5d ms; %d of %d"
                        + " acknowledged rows missing%n", i, primary, agent, writer.longestGapMillis(), missing.size(),
                        writer.count());
            }
            NodeAgentResource.crashAndRestart(agent); // the host comes back; its old primary is rebuilt as the standby
            awaitHa(base, "Healthy");
        }
        Collections.sort(rtos);
        long p50 = rtos.get((rtos.size() - 1) / 2);
        long p95 = rtos.get((int) Math.ceil(rtos.size() * 0.95) - 1);
        long max = rtos.get(rtos.size() - 1);

        // pgbench on the same server: with the synchronous standby, then without (HA off), then with again
        Pgbench bench = new Pgbench(endpoint, "appadmin", PASSWORD);
        bench.init(10);
        double sync1 = bench.tps(clients, 15);
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"highAvailability\":{\"mode\":\"Disabled\"}}}")
                .patch(base));
        awaitHa(base, "NotEnabled");
        double single = bench.tps(clients, 15);
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"highAvailability\":{\"mode\":\"ZoneRedundant\"}}}")
                .patch(base));
        awaitHa(base, "Healthy");
        double sync2 = bench.tps(clients, 15);
        double sync = (sync1 + sync2) / 2;
        System.out.printf("%nunplanned failovers (host loss): %d, RTO from the clients p50 %d ms, p95 %d ms, max %d ms;"
                + " RPO: %d of %d acknowledged rows missing%n", rounds, p50, p95, max, lost, acknowledged);
        System.out.printf("pgbench -c %d -T 15 (TPC-B-like) through the endpoint: %.0f tps with the synchronous standby"
                + " (%.0f, %.0f), %.0f tps without; ratio %.2f%n", clients, sync, sync1, sync2, single, sync / single);
        System.out.printf("RESULT failovers=%d rto_p50_ms=%d rto_p95_ms=%d rto_max_ms=%d rpo_lost_rows=%d acknowledged_rows=%d"
                + " tps_sync=%.0f tps_no_standby=%.0f tps_ratio=%.2f%n", rounds, p50, p95, max, lost, acknowledged, sync, single,
                sync / single);
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
    }

    static void awaitHa(String base, String state) {
        await(base + " HA " + state).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> state.equals(Stack.api(SUB).get(base).then().extract().path("properties.highAvailability.state")));
    }

    /** pgbench (the PostgreSQL client package's) against the endpoint, over TLS. */
    record Pgbench(int port, String user, String password) {
        void init(int scale) throws Exception {
            run(List.of("-i", "-q", "-s", Integer.toString(scale)));
        }

        double tps(int clients, int seconds) throws Exception {
            String out = run(List.of("-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds)));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("tps = ([0-9.]+)").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no tps in pgbench output: " + out);
            }
            return Double.parseDouble(m.group(1));
        }

        private String run(List<String> args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", user));
            cmd.addAll(args);
            cmd.add("postgres");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", password);
            pb.environment().put("PGSSLMODE", "require");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pgbench " + args + " failed: " + out);
            }
            return out;
        }
    }
}
