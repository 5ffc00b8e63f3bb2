package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.Engines;
import io.pgflex.testkit.NodeAgentResource;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The maintenance benchmark (not part of the test suite: run by {@code bench/maintenance.sh}). Per round, a server on
 * PostgreSQL 16.15 — without HA, then zone-redundant — is patched to 16.16 through maintenance-service (applyNow) while
 * four clients commit one row per transaction through its endpoint; every acknowledged row is checked afterwards.
 * Prints per round the clients' longest wait for a commit (their write unavailability) and what the maintenance
 * reported, then p50/max per kind and one RESULT line.
 */
class MaintenanceBench {
    static final String SUB = "sub-bench-maintenance";
    static final String PASSWORD = "Ma1nt-bench-pass!";
    static final String NEW = "16.16";

    @Test
    void writeUnavailabilityDuringPatching() throws Exception {
        int rounds = Integer.getInteger("pgflex.bench.rounds", 5);
        Stack.maintenance();
        List<String> agents = NodeAgentResource.instanceAgentIds();
        for (String agent : agents) {
            Engines.unpack(Path.of(System.getProperty("pgflex.engine-jars-next")), NodeAgentResource.enginesDir(agent));
        }
        Stack.operatorApi().body("{\"properties\": {\"current\": true}}")
                .put("/providers/Microsoft.DBforPostgreSQL/engineVersions/" + NEW).then().statusCode(200);
        Map<String, List<long[]>> results = new java.util.LinkedHashMap<>();
        for (String kind : List.of("plain", "ha")) {
            List<long[]> figures = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                figures.add(round(kind, round, agents));
            }
            results.put(kind, figures);
        }
        StringBuilder result = new StringBuilder("RESULT rounds=" + rounds);
        for (var e : results.entrySet()) {
            List<Long> gaps = e.getValue().stream().map(f -> f[0]).sorted().toList();
            List<Long> reported = e.getValue().stream().map(f -> f[1]).sorted().toList();
            System.out.printf("%s: clients' write unavailability p50 %d ms, max %d ms; reported p50 %d ms, max %d ms%n", e.getKey(),
                    gaps.get(gaps.size() / 2), gaps.get(gaps.size() - 1), reported.get(reported.size() / 2),
                    reported.get(reported.size() - 1));
            result.append(' ').append(e.getKey()).append("_p50_ms=").append(gaps.get(gaps.size() / 2))
                    .append(' ').append(e.getKey()).append("_max_ms=").append(gaps.get(gaps.size() - 1))
                    .append(' ').append(e.getKey()).append("_reported_p50_ms=").append(reported.get(reported.size() / 2));
        }
        System.out.println(result.append(" rpo_rows=0"));
    }

    /** One server made on 16.15 and patched under load; returns the clients' longest gap and the reported figure. */
    private long[] round(String kind, int round, List<String> agents) throws Exception {
        String name = "bench-" + kind + "-" + round;
        String base = Stack.servers(SUB, "rg-e2e") + "/" + name;
        // a custom window days away: the patch runs when applyNow says, not because a system-managed slot is open now
        String body = MaintenanceIT.farWindow(kind.equals("ha") ? HaSteps.haBody().replace(HaSteps.PASSWORD, PASSWORD)
                : Stack.serverBody("16", "appadmin", PASSWORD));
        // a new server gets the newest minor installed: 16.16 is out of sight while it is made
        hide(agents, true);
        int endpoint;
        try {
            endpoint = Stack.readyServer(SUB, name, body);
        } finally {
            hide(agents, false);
        }
        if (kind.equals("ha")) {
            await(name + " Healthy").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> "Healthy"
                    .equals(Stack.api(SUB).get(base).then().extract().path("properties.highAvailability.state")));
        }
        String maintenances = base + "/maintenances";
        String id = await(name + "'s maintenance").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Stack.maintenanceApi(SUB).get(maintenances).then().statusCode(200).extract().jsonPath()
                        .getString("value.find { it.properties.state == 'Scheduled' }.name"), java.util.Objects::nonNull);
        long gap;
        JsonPath done;
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            HaSteps.awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.resetGap();
            Stack.maintenanceApi(SUB).post(maintenances + "/" + id + "/applyNow").then().statusCode(200);
            done = await(name + " patched").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> Stack.maintenanceApi(SUB).get(maintenances + "/" + id).then().statusCode(200).extract().jsonPath(),
                            j -> !List.of("Scheduled", "InProgress").contains(j.getString("properties.state")));
            if (!"Completed".equals(done.getString("properties.state"))) {
                throw new IllegalStateException(name + ": " + done.prettify());
            }
            HaSteps.awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.close();
            HaSteps.assertNothingLost(writer, endpoint, PASSWORD);
            gap = writer.longestGapMillis();
        }
        long reported = done.getLong("properties.writeUnavailabilityMillis");
        System.out.printf("round %d %s: clients waited at most %d ms for a commit; the maintenance reported %d ms; nothing lost%n",
                round, kind, gap, reported);
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
        return new long[] {gap, reported};
    }

    /** Moves the new minor out of the agents' engine directories (true) or back (false). */
    private static void hide(List<String> agents, boolean hide) throws Exception {
        for (String agent : agents) {
            Path engines = NodeAgentResource.enginesDir(agent);
            Path away = engines.resolveSibling("engines-hidden");
            Files.createDirectories(away);
            Path from = hide ? engines.resolve(NEW) : away.resolve(NEW);
            Path to = hide ? away.resolve(NEW) : engines.resolve(NEW);
            if (Files.exists(from)) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
