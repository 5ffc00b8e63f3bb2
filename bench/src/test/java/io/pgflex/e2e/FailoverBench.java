package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.e2e.Faults.Fault;
import io.pgflex.e2e.Faults.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The failover benchmark (not part of the test suite: run by {@code bench/failover.sh}). On the
 * same real parts as the fault-sequence test, with the two database hosts as separate network
 * hosts: a zone-redundant server under four writing clients suffers each fault class
 * {@code pgflex.bench.rounds} times, in turn (host loss, PostgreSQL crash with its agent alive,
 * hung host, network partition, and the loss of the standby's host). For each fault it measures,
 * from the clients, the longest time without an acknowledged commit (RTO; for the standby's loss:
 * how long commits waited before the primary went on alone), counts acknowledged rows missing
 * afterwards (RPO), and notes whether the server failed over. Then pgbench TPS of the same server
 * with and without its synchronous standby. Prints one RESULT line.
 */
@EnabledIfSystemProperty(named = "pgflex.test.hosts", matches = "netns",
        disabledReason = "runs in the bench module's netns execution (separate hosts): bench/failover.sh")
class FailoverBench {

    @Test
    void failovers() throws Exception {
        int rounds = Integer.getInteger("pgflex.bench.rounds", 5);
        // room for the writers' rows of every round and pgbench's scale 10 (a test "GiB" is 8 MiB)
        Faults server = Faults.server("bench-faults", 512);
        try {
            run(server, rounds);
        } finally {
            Stack.expectSucceeded(Faults.SUB, Stack.api(Faults.SUB).delete(server.base()));
        }
    }

    private void run(Faults server, int rounds) throws Exception {
        Map<Fault, List<Outcome>> outcomes = new EnumMap<>(Fault.class);
        long acknowledged = 0;
        for (int round = 1; round <= rounds; round++) {
            for (Fault fault : Fault.values()) {
                Outcome o = server.inflict(fault); // every acknowledged row is checked there (RPO 0, or it fails)
                outcomes.computeIfAbsent(fault, f -> new ArrayList<>()).add(o);
                acknowledged += o.acknowledged();
                System.out.printf("round %d %-15s no acknowledgement for %5d ms, failed over %-5s shown %s%n", round, fault,
                        o.rtoMillis(), o.failedOver(), fault == Fault.STANDBY_LOSS ? "degraded " + o.sawDegraded()
                                : "outage " + o.sawOutage());
            }
        }
        StringBuilder result = new StringBuilder("RESULT rounds=" + rounds);
        System.out.println();
        for (Map.Entry<Fault, List<Outcome>> e : outcomes.entrySet()) {
            List<Long> rtos = e.getValue().stream().map(Outcome::rtoMillis).sorted().toList();
            long p50 = rtos.get((rtos.size() - 1) / 2);
            long p95 = rtos.get((int) Math.ceil(rtos.size() * 0.95) - 1);
            long max = rtos.get(rtos.size() - 1);
            long failovers = e.getValue().stream().filter(Outcome::failedOver).count();
            System.out.printf("%-15s %d faults: no acknowledgement p50 %5d ms, p95 %5d ms, max %5d ms; failed over %d times%n",
                    e.getKey(), rtos.size(), p50, p95, max, failovers);
            String key = e.getKey().name().toLowerCase();
            result.append(' ').append(key).append("_p50_ms=").append(p50).append(' ').append(key).append("_p95_ms=").append(p95)
                    .append(' ').append(key).append("_max_ms=").append(max);
        }
        result.append(" rpo_lost_rows=0 acknowledged_rows=").append(acknowledged);

        // pgbench on the same server: with the synchronous standby, then without (HA off), then with again
        Pgbench bench = new Pgbench(server.endpoint, "appadmin", Faults.PASSWORD);
        bench.init(10);
        double sync1 = bench.tps(4, 15);
        Stack.expectSucceeded(Faults.SUB, Stack.api(Faults.SUB)
                .body("{\"properties\":{\"highAvailability\":{\"mode\":\"Disabled\"}}}").patch(server.base()));
        awaitHa(server, "NotEnabled");
        double single = bench.tps(4, 15);
        Stack.expectSucceeded(Faults.SUB, Stack.api(Faults.SUB)
                .body("{\"properties\":{\"highAvailability\":{\"mode\":\"ZoneRedundant\"}}}").patch(server.base()));
        server.awaitHealthy();
        double sync2 = bench.tps(4, 15);
        double sync = (sync1 + sync2) / 2;
        System.out.printf("%npgbench -c 4 -T 15 (TPC-B-like) through the endpoint: %.0f tps with the synchronous standby"
                + " (%.0f, %.0f), %.0f tps without; ratio %.2f%n", sync, sync1, sync2, single, sync / single);
        result.append(String.format(" tps_sync=%.0f tps_no_standby=%.0f tps_ratio=%.2f", sync, single, sync / single));
        System.out.println(result);
    }

    static void awaitHa(Faults server, String state) {
        await(server.name + " HA " + state).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> state.equals(server.resource().getString("properties.highAvailability.state")));
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
