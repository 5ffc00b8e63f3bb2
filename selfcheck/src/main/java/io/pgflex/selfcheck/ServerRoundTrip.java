package io.pgflex.selfcheck;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgflex.launcher.ApiTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real server through the public API, as a tenant would use it: create it zone-redundant, admit 127.0.0.1,
 * connect over verified TLS through its stable endpoint, wait for its synchronous standby, fail over (planned) and
 * write through the same endpoint, connect through its built-in PgBouncer, restore it to a point in time, read its
 * metrics, delete it. The checks run in this order and share the server; the first that fails ends the round trip,
 * and what was created is deleted.
 */
final class ServerRoundTrip {
    private static final String SUBSCRIPTION = "pgflex-selfcheck";
    private static final Duration OPERATION = Duration.ofSeconds(120);
    private final Stack stack;
    private final Path psql;
    private final Arm arm;
    private final String name = "selfcheck-" + System.currentTimeMillis() / 1000;
    private final Tenant tenant;
    private final List<String> created = new ArrayList<>();
    private int port;
    private Path ca;
    private int portBefore;

    ServerRoundTrip(Stack stack, Path psql) {
        this.stack = stack;
        this.psql = psql;
        String token = ApiTokens.mintWithStackKey(stack.home, "self-check", SUBSCRIPTION, "Owner", Duration.ofHours(1));
        this.arm = new Arm(stack.as(null), token);
        this.tenant = new Tenant("selfcheck", tenantPassword());
    }

    List<Check> checks() {
        return List.of(
                new Check("server " + name + " (PostgreSQL 16, zone-redundant) created through the API", this::create),
                new Check("psql verifies " + name + " through its endpoint (sslmode=verify-full, its published CA)", this::psqlVerifiesServer),
                new Check("a plaintext connection to " + name + " is refused", this::plaintextRefused),
                new Check("zone-redundant HA: the standby in the other zone is synchronous", this::standbyIsSynchronous),
                new Check("planned failover: the endpoint leads to the other instance, no row lost", this::plannedFailover),
                new Check("a tenant connects over verified TLS through the built-in PgBouncer", this::pgBouncer),
                new Check("the first automatic backup of " + name + " completed (encrypted)", this::firstBackup),
                new Check("point-in-time restore: the new server has the rows committed before the point, not the one after",
                        this::pointInTimeRestore),
                new Check("metrics API: is_db_alive of " + name + " is 1 (Azure Monitor's shape, through the gateway)", this::metrics),
                new Check("Prometheus exposition: monitoring-service's /metrics has pgflex_server_* series of " + name, this::prometheus),
                new Check("maintenance: " + name + "'s maintenances are listed through the gateway (its next one above)",
                        this::nextMaintenance),
                new Check("server " + name + " deleted with its data", () -> delete(name)));
    }

    /** Deletes what the round trip created and did not delete yet (after a failed check). */
    void cleanUp() {
        for (String server : List.copyOf(created)) {
            try {
                if (arm.find(base(server)).isEmpty()) {
                    continue;
                }
                delete(server);
            } catch (RuntimeException e) {
                System.out.println("    (could not delete " + server + ": " + e.getMessage() + ")");
            }
        }
    }

    private String base(String server) {
        return stack.api() + "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/selfcheck/providers/Microsoft.DBforPostgreSQL/flexibleServers/"
                + server;
    }

    private void create() {
        created.add(name);
        arm.operation("PUT", base(name), """
                {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},
                 "properties":{"version":"16","administratorLogin":"selfcheck","administratorLoginPassword":"%s",
                               "highAvailability":{"mode":"ZoneRedundant"}}}""".formatted(tenantPassword()), "creating " + name, OPERATION);
        admitLoopback(name);
        JsonNode server = arm.get(base(name)).path("properties");
        port = server.path("port").asInt();
        ca = publishedCa(name, server);
    }

    private String tenantPassword() {
        return "Sc-" + stack.secrets.existing("selfcheck-password");
    }

    private void admitLoopback(String server) {
        arm.operation("PUT", base(server) + "/firewallRules/local", """
                {"properties":{"startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}}""", "admitting 127.0.0.1 to " + server,
                OPERATION);
    }

    /** The server's CA as the API publishes it (properties.caCertificate), in a file a client can name. */
    private Path publishedCa(String server, JsonNode properties) {
        String pem = properties.path("caCertificate").asText("");
        if (!pem.contains("BEGIN CERTIFICATE")) {
            throw new Failed(server + " has no published CA certificate (properties.caCertificate)");
        }
        try {
            Files.createDirectories(stack.runDir());
            Path f = stack.runDir().resolve(server + "-ca.crt");
            Files.writeString(f, pem, StandardCharsets.UTF_8);
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void psqlVerifiesServer() throws Exception {
        Path out = Files.createTempFile(stack.runDir(), "psql-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-w", "-tA",
                    "host=localhost port=" + port + " dbname=postgres user=selfcheck sslmode=verify-full sslrootcert=" + ca,
                    "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("PGPASSWORD", tenantPassword());
            pb.environment().put("PGCONNECT_TIMEOUT", "5");
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Failed("psql did not finish within 30 s");
            }
            String said = Files.readString(out).strip();
            if (p.exitValue() != 0 || !said.equals("t")) {
                throw new Failed("psql with sslmode=verify-full and the published CA, port " + port + ": " + said);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private void plaintextRefused() {
        try (Connection c = tenant.connect("localhost", port, "postgres", "disable", null)) {
            throw new Failed("a plaintext connection to " + name + " was accepted");
        } catch (SQLException e) {
            if (!"28000".equals(e.getSQLState())) {
                throw new Failed("a plaintext connection failed, but not by pg_hba: " + e.getSQLState() + " " + e.getMessage());
            }
        }
    }

    private void standbyIsSynchronous() throws SQLException {
        Poll.until(OPERATION, "the standby of " + name + " becoming synchronous (highAvailability.state Healthy)", () -> {
            JsonNode ha = arm.find(base(name)).orElse(Https.JSON.createObjectNode()).path("properties").path("highAvailability");
            return "Healthy".equals(ha.path("state").asText()) ? Optional.of(true) : Optional.empty();
        });
        String sync = tenant.query(port, ca, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication");
        if (!"sync".equals(sync)) {
            throw new Failed("the primary of " + name + " has no synchronous standby (" + sync + ")");
        }
    }

    private void plannedFailover() throws SQLException {
        portBefore = Integer.parseInt(tenant.query(port, ca, "CREATE TABLE selfcheck (n int)", "INSERT INTO selfcheck VALUES (1)",
                "SELECT inet_server_port()"));
        arm.operation("POST", base(name) + "/restart", """
                {"restartWithFailover":true,"failoverMode":"PlannedFailover"}""", "planned failover of " + name, OPERATION);
        String after = tenant.query(port, ca, "INSERT INTO selfcheck VALUES (2)",
                "SELECT count(*) || ' ' || inet_server_port() FROM selfcheck");
        String[] countAndPort = after.split(" ");
        if (!countAndPort[0].equals("2") || Integer.parseInt(countAndPort[1]) == portBefore) {
            throw new Failed("after the planned failover the endpoint did not lead to the new primary with both rows (instance port "
                    + portBefore + ", then rows and port " + after + ")");
        }
    }

    private void pgBouncer() throws SQLException {
        arm.operation("PUT", base(name) + "/configurations/pgbouncer.enabled", """
                {"properties":{"value":"on","source":"user-override"}}""", "turning PgBouncer on", OPERATION);
        int bouncer = arm.get(base(name)).path("properties").path("pgBouncerPort").asInt();
        if (bouncer == 0) {
            throw new Failed(name + " shows no pgBouncerPort after PgBouncer was turned on");
        }
        String pooled = tenant.query(bouncer, ca, "SELECT 'pooled'");
        if (!"pooled".equals(pooled)) {
            throw new Failed("through PgBouncer, port " + bouncer + ": " + pooled);
        }
    }

    private void firstBackup() {
        Poll.until(OPERATION, "the first automatic backup of " + name, () -> {
            for (JsonNode b : arm.find(base(name) + "/backups").map(j -> j.path("value")).orElse(Https.JSON.createArrayNode())) {
                if ("Completed".equals(b.path("properties").path("state").asText())) {
                    return Optional.of(true);
                }
            }
            return Optional.empty();
        });
    }

    private void pointInTimeRestore() throws SQLException {
        String point = tenant.query(port, ca,
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        tenant.query(port, ca, "INSERT INTO selfcheck VALUES (3)");
        String restored = name + "-r";
        created.add(restored);
        arm.operation("PUT", base(restored), """
                {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"%s","pointInTimeUTC":"%s"}}"""
                .formatted(base(name).substring(stack.api().length()), point), "restoring " + name + " to " + point, OPERATION);
        admitLoopback(restored);
        JsonNode server = arm.get(base(restored)).path("properties");
        String rows = tenant.query(server.path("port").asInt(), publishedCa(restored, server),
                "SELECT string_agg(n::text, ',' ORDER BY n) FROM selfcheck");
        if (!"1,2".equals(rows)) {
            throw new Failed("the restore of " + name + " to " + point + " holds rows '" + rows + "', not 1,2");
        }
        delete(restored);
    }

    private void metrics() {
        Poll.until(Duration.ofSeconds(90), "an is_db_alive value of 1 for " + name, () -> {
            JsonNode answer = arm.find(base(name) + "/providers/Microsoft.Insights/metrics?" + Arm.VERSION
                    + "&metricnames=is_db_alive&timespan=PT10M&interval=PT1M&aggregation=Maximum").orElse(Https.JSON.createObjectNode());
            return answer.findValues("maximum").stream().anyMatch(v -> v.asDouble() == 1.0) ? Optional.of(true) : Optional.empty();
        });
    }

    /** Shows the server's next maintenance (maintenance-service, through the gateway's route for …/maintenances). */
    private void nextMaintenance() {
        JsonNode list = arm.get(base(name) + "/maintenances");
        if (!list.path("value").isArray()) {
            throw new Failed("…/maintenances answered without a value list: " + list);
        }
        String minor = arm.get(base(name)).path("properties").path("minorVersion").asText();
        JsonNode next = null;
        for (JsonNode m : list.path("value")) {
            String state = m.path("properties").path("state").asText();
            if ("Scheduled".equals(state) || "InProgress".equals(state)) {
                next = m.path("properties");
            }
        }
        System.out.println("         next maintenance of " + name + ": " + (next == null
                ? "none scheduled (it runs " + minor + "; no newer minor of its major is published)"
                : next.path("fromVersion").asText() + " -> " + next.path("toVersion").asText() + " from "
                        + next.path("scheduledStartTime").asText() + " (" + next.path("state").asText() + ")"));
    }

    private void prometheus() {
        Https.Reply r = stack.as("operator").get(stack.serviceUrl("monitoring-service") + "/metrics", null);
        if (r.status() != 200 || !r.body().contains("server_name=\"" + name + "\"")) {
            throw new Failed("monitoring-service's /metrics (" + r.status() + ") has no series of " + name);
        }
    }

    private void delete(String server) {
        arm.operation("DELETE", base(server), null, "deleting " + server, OPERATION);
        created.remove(server);
    }
}
