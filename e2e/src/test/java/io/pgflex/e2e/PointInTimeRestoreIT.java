package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;

/**
 * Backups and point-in-time restore as users get them: automatic and on-demand backups of real
 * servers, restores into new servers to several points (just after a base backup, far into WAL,
 * across an HA failover, from a deleted server), a repository with no plaintext, a damaged backup
 * that verify and restore refuse loudly, and a restore drill.
 */
class PointInTimeRestoreIT {
    static final String SUB = "sub-e2e-pitr";
    static final String PASSWORD = "Rest0re-pass!";
    static final String MARKER = "pgflex-e2e-marker-71c3";

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

    @Test
    void restoresToPointsInTimeAndRefusesDamagedBackups() throws Exception {
        String src = "pitr-src";
        int port = Stack.readyServer(SUB, src, Stack.serverBody("16", "appadmin", PASSWORD));
        String automatic = firstBackup(src);
        assertEquals("Full", backup(src, automatic).getString("properties.backupType"), "taken without anyone asking");
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        insert(port, 1, 100);
        Instant beforeOnDemand = now(port);
        onDemandBackup(src, "before-b");
        insert(port, 101, 200);
        Instant justAfterBackup = now(port);
        insert(port, 201, 300);
        // far into WAL: several segments of other writes before the next point
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 300000) g");
        }
        insert(port, 301, 400);
        Instant farIntoWal = now(port);
        insert(port, 401, 500);

        String earliest = Stack.api(SUB).get(base(src)).then().statusCode(200).extract().path("properties.backup.earliestRestoreDate");
        assertNotNull(earliest, "the server resource has its earliest restore date");
        assertTrue(Instant.parse(earliest).isBefore(justAfterBackup));

        assertEquals(range(1, 200), ids(restore(src, justAfterBackup, "pitr-r1")), "just after a base backup");
        int r2 = restore(src, farIntoWal, "pitr-r2");
        assertEquals(range(1, 400), ids(r2), "far into WAL");
        try (Connection c = Stack.connect(r2, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (10000, 'a restored server is a normal server')");
        }
        // a restored server backs itself up from then on
        firstBackup("pitr-r2");

        // a restore drill of the latest backup passes
        Stack.backupApi(SUB).post(base(src) + "/restoreDrill").then().statusCode(202);
        await("restore drill").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> backup(src, "before-b").getString("properties.restoreDrill.state"), s -> s != null);
        assertEquals("Passed", backup(src, "before-b").getString("properties.restoreDrill.state"),
                backup(src, "before-b").getString("properties.restoreDrill.detail"));
        assertTrue(backup(src, "before-b").getString("properties.restoreDrill.detail").contains("t=500"),
                "the drill replayed to the end of the archive: " + backup(src, "before-b").getString("properties.restoreDrill.detail"));

        // no plaintext anywhere in the repository
        Path repo = NodeAgentResource.backupRepository();
        try (var files = Files.walk(repo)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(MARKER), "plaintext in " + f);
            }
        }

        // verify reads a backup back; a flipped byte fails verify and any restore from it, loudly
        verify(src, "before-b", "Passed");
        Path data = largestFile(repo, backup(src, "before-b").getString("properties.repositoryId"));
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(data, bytes);
        verify(src, "before-b", "Failed");
        var accepted = Stack.api(SUB).body(restoreBody(src, justAfterBackup)).put(base("pitr-r3"));
        assertEquals("Failed", Stack.awaitOperation(SUB, accepted));
        String error = Stack.api(SUB).get(java.net.URI.create(accepted.header("Azure-AsyncOperation")).getPath()
                + "?api-version=" + Stack.VERSION).then().extract().path("error.message");
        assertTrue(error != null && error.contains("damaged"), "the restore names the damage: " + error);

        // a deleted server stays restorable within its retention (from the automatic backup: the later one is damaged)
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(src)));
        assertEquals(range(1, 100), ids(restore(src, beforeOnDemand, "pitr-r4")), "restored from a deleted server");
    }

    @Test
    void backupsOfAnHaServerFollowThePrimaryAcrossAFailover() throws Exception {
        String name = "pitr-ha";
        int port = Stack.readyServer(SUB, name, """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "availabilityZone": "2", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s", "highAvailability": {"mode": "ZoneRedundant"}}}""".formatted(PASSWORD));
        awaitHa(name, "Healthy");
        firstBackup(name);
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        insert(port, 1, 100);
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"restartWithFailover\": true, \"failoverMode\": \"PlannedFailover\"}")
                .post(base(name) + "/restart"));
        awaitHa(name, "Healthy");
        insert(port, 101, 200);
        Instant afterFailover = now(port);
        insert(port, 201, 300);
        // the next backup is taken on the new primary (it would fail on the standby)
        onDemandBackup(name, "after-failover");
        assertEquals("2", backup(name, "after-failover").getString("properties.timeline").replace(".0", ""),
                "taken on the promoted instance's timeline");
        JsonPath status = Stack.backupApi(SUB).get(base(name) + "/backupStatus").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(), status.getList("properties.walGaps"), "the archive has every segment across the failover");
        assertTrue(status.getInt("properties.timelines") >= 2, status.prettify());
        // a restore follows the timeline switch: the point lies after the failover, the base backup before it
        assertEquals(range(1, 200), ids(restore(name, afterFailover, "pitr-ha-r1")));
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
