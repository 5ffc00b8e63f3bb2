package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The steps the backup and restore tests share: backups through the API, rows written and read back, restores. */
final class Restores {
    static final String SUB = "sub-e2e-pitr";
    static final String PASSWORD = "Rest0re-pass!";
    static final String MARKER = "pgflex-e2e-marker-71c3";

    private Restores() {
    }

    static String base(String name) {
        return Stack.servers(SUB, "rg-e2e") + "/" + name;
    }

    static String resourceId(String name) {
        return base(name);
    }

    static JsonPath backup(String server, String backup) {
        return Stack.backupApi(SUB).get(base(server) + "/backups/" + backup).then().statusCode(200).extract().jsonPath();
    }

    /** The name of the server's first completed backup, once there is one. */
    static String firstBackup(String server) {
        return await("a completed backup of " + server).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Stack.backupApi(SUB).get(base(server) + "/backups").then().statusCode(200).extract().jsonPath()
                        .<String>getList("value.findAll { it.properties.state == 'Completed' }.name"), l -> !l.isEmpty())
                .get(0);
    }

    static void onDemandBackup(String server, String name) {
        Stack.backupApi(SUB).put(base(server) + "/backups/" + name).then().statusCode(202)
                .body("properties.backupType", org.hamcrest.Matchers.equalTo("Customer On-Demand"));
        await("backup " + name).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> backup(server, name).getString("properties.state"), s -> "Completed".equals(s) || "Failed".equals(s));
        assertEquals("Completed", backup(server, name).getString("properties.state"), backup(server, name).prettify());
    }

    static void insert(int port, int from, int to) throws SQLException {
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t SELECT g, '" + MARKER + " ' || g FROM generate_series(" + from + ", " + to + ") g");
        }
    }

    /** The database's clock now: a point in time between two commits. */
    static Instant now(int port) throws SQLException {
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
            rs.next();
            return Instant.parse(rs.getString(1));
        }
    }

    static List<Integer> ids(int port) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static String restoreBody(String source, Instant pointInTime) {
        return """
                {"location": "local", "properties": {"createMode": "PointInTimeRestore",
                 "sourceServerResourceId": "%s", "pointInTimeUTC": "%s"}}""".formatted(resourceId(source), pointInTime);
    }

    /** Restores {@code source} to {@code t} as {@code name}; returns the new server's endpoint port. */
    static int restore(String source, Instant t, String name) {
        Stack.expectSucceeded(SUB, Stack.api(SUB).body(restoreBody(source, t)).put(base(name)));
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}}")
                .put(base(name) + "/firewallRules/local"));
        return Stack.api(SUB).get(base(name)).then().statusCode(200).extract().path("properties.port");
    }

    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    static void awaitHa(String name, String state) {
        await(name + " HA " + state).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                state.equals(Stack.api(SUB).get(base(name)).then().statusCode(200).extract()
                        .path("properties.highAvailability.state")));
    }

    static void verify(String server, String backup, String expected) {
        Stack.backupApi(SUB).post(base(server) + "/backups/" + backup + "/verify").then().statusCode(202);
        await("verify " + backup).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> backup(server, backup).getString("properties.verification.state"), s -> !"Running".equals(s));
        assertEquals(expected, backup(server, backup).getString("properties.verification.state"),
                backup(server, backup).getString("properties.verification.detail"));
    }

    /** The largest data file of a backup in the filesystem repository. */
    static Path largestFile(Path repo, String repositoryId) throws Exception {
        try (var files = Files.walk(repo)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/backups/" + repositoryId + "/data/base/"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
    }
}
