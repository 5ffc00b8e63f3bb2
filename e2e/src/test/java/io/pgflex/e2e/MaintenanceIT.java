package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.Engines;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.TopicReader;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Minor-version patching of real servers: four servers are made on PostgreSQL 16.15, then the platform installs 16.16 on
 * every agent and an operator publishes it as current. Each server is then due: scheduled with notice (no notice period
 * here), patched inside its own window and not before, or at once after applyNow; a maintenance-service crash between
 * marking a patch started and running it is recovered; a patch to binaries that do not come up is rolled back and the
 * server keeps serving on its old minor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintenanceIT {
    static final String SUB = "sub-e2e-maintenance";
    static final String PASSWORD = "Ma1ntenance-pass!";
    static final String OLD = "16.15";
    static final String NEW = "16.16";
    static final String BROKEN = "16.17";

    /** The custom window of "in-window": a few minutes from now, so the test sees it before and inside it. */
    static Instant windowStart;
    static final Map<String, Integer> PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void serversOnTheOlderMinorThenTheNewOnePublished() throws Exception {
        Stack.maintenance();
        // every server but in-window gets a custom window days away: a system-managed one could be open right now
        Map<String, String> bodies = Map.of("in-window", Stack.serverBody("16", "appadmin", PASSWORD),
                "apply-now", farWindow(Stack.serverBody("16", "appadmin", PASSWORD)),
                "crash-me", farWindow(Stack.serverBody("16", "appadmin", PASSWORD)),
                "broken", farWindow(Stack.serverBody("16", "appadmin", PASSWORD)),
                "ha-patch", farWindow(HaSteps.haBody().replace(HaSteps.PASSWORD, PASSWORD)));
        bodies.entrySet().parallelStream().forEach(e -> PORTS.put(e.getKey(), Stack.readyServer(SUB, e.getKey(), e.getValue())));
        await("ha-patch Healthy").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                "Healthy".equals(server("ha-patch").getString("properties.highAvailability.state")));
        for (String name : PORTS.keySet()) {
            assertEquals(OLD, server(name).getString("properties.minorVersion"), name);
            try (Connection c = connect(name); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int PRIMARY KEY, v text)");
                s.execute("INSERT INTO kept SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
            }
        }
        // in-window's owner picks a custom window a few minutes from now (PATCH), so the test sees it before and inside it
        windowStart = ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(3).truncatedTo(ChronoUnit.MINUTES).toInstant();
        ZonedDateTime w = windowStart.atZone(ZoneOffset.UTC);
        Stack.expectSucceeded(SUB, Stack.api(SUB).body(("{\"properties\": {\"maintenanceWindow\": {\"customWindow\": \"Enabled\","
                + " \"dayOfWeek\": %d, \"startHour\": %d, \"startMinute\": %d}}}").formatted(w.getDayOfWeek().getValue() % 7,
                w.getHour(), w.getMinute())).patch(base("in-window")));
        // the platform team installs the new minor on every host, then publishes it
        for (String agent : NodeAgentResource.instanceAgentIds()) {
            Engines.unpack(Path.of(System.getProperty("pgflex.engine-jars-next")), NodeAgentResource.enginesDir(agent));
        }
        Stack.operatorApi().body("{\"properties\": {\"current\": true, \"releaseNotes\": \"PostgreSQL 16.16: security fixes\"}}")
                .put("/providers/Microsoft.DBforPostgreSQL/engineVersions/" + NEW).then().statusCode(200);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        for (String agent : NodeAgentResource.instanceAgentIds()) {
            Path broken = NodeAgentResource.enginesDir(agent).resolve(BROKEN);
            if (Files.exists(broken)) {
                try (var files = Files.walk(broken)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        // later classes' servers are no one's maintenance
        Stack.stopMaintenance();
    }

    @Test
    @Order(1)
    void aServerOnTheOlderMinorIsScheduledForItsWindowWithANotice() {
        JsonPath m = await("the maintenance of in-window in its custom window").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> upcoming("in-window"), j -> j != null
                        && windowStart.equals(Instant.parse(j.getString("properties.scheduledStartTime"))));
        assertEquals("Scheduled", m.getString("properties.state"));
        assertEquals("Enabled", server("in-window").getString("properties.maintenanceWindow.customWindow"));
        assertEquals(OLD, m.getString("properties.fromVersion"));
        assertEquals(NEW, m.getString("properties.toVersion"));
        assertEquals("PostgreSQL 16.16: security fixes", m.getString("properties.releaseNotes"));
        try (TopicReader reader = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.MAINTENANCE)) {
            String id = m.getString("name");
            reader.await(r -> "pgflex.MaintenanceScheduled".equals(TopicReader.header(r, CloudEvents.HEADER_TYPE))
                    && TopicReader.value(r).contains(id), 1, Duration.ofSeconds(30));
        }
    }

    @Test
    @Order(2)
    void nothingIsPatchedBeforeTheWindow() throws SQLException {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> upcoming("in-window"), java.util.Objects::nonNull);
        assertTrue(Instant.now().isBefore(windowStart), "the test must look before the window opens");
        assertEquals(OLD, serverVersion("in-window"));
        assertEquals("Scheduled", upcoming("in-window").getString("properties.state"));
    }

    @Test
    @Order(3)
    void onlyAPlatformOperatorPublishesAMinor() {
        Stack.maintenanceApi(SUB).body("{\"properties\": {\"current\": true}}")
                .put("/providers/Microsoft.DBforPostgreSQL/engineVersions/" + NEW).then().statusCode(403)
                .body("error.code", org.hamcrest.Matchers.equalTo("AuthorizationFailed"));
    }

    @Test
    @Order(4)
    void aMinorThatIsNotInstalledOnEveryAgentIsRefused() {
        Stack.operatorApi().body("{\"properties\": {\"current\": true}}")
                .put("/providers/Microsoft.DBforPostgreSQL/engineVersions/16.99").then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("EngineVersionNotInstalled"));
    }

    @Test
    @Order(5)
    void aRescheduleToATimeOutsideTheWindowIsRefused() {
        JsonPath m = awaitUpcoming("apply-now");
        Instant start = Instant.parse(m.getString("properties.scheduledStartTime"));
        reschedule("apply-now", m.getString("name"), start.plus(Duration.ofMinutes(30))).then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("InvalidRescheduleTime"))
                .body("error.target", org.hamcrest.Matchers.equalTo("scheduledStartTime"));
    }

    @Test
    @Order(6)
    void aRescheduleBeyondTheLimitIsRefused() {
        JsonPath m = awaitUpcoming("apply-now");
        Instant start = Instant.parse(m.getString("properties.scheduledStartTime"));
        reschedule("apply-now", m.getString("name"), start.plus(Duration.ofDays(35))).then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("InvalidRescheduleTime"));
    }

    @Test
    @Order(7)
    void aRescheduleToALaterStartOfTheWindowIsTaken() {
        JsonPath m = awaitUpcoming("apply-now");
        Instant later = Instant.parse(m.getString("properties.scheduledStartTime")).plus(Duration.ofDays(7));
        reschedule("apply-now", m.getString("name"), later).then().statusCode(200);
        assertEquals(later, Instant.parse(upcoming("apply-now").getString("properties.scheduledStartTime")));
    }

    @Test
    @Order(8)
    void applyNowPatchesAtOnceAndMeasuresTheOutage() throws SQLException {
        JsonPath m = awaitUpcoming("apply-now");
        Stack.maintenanceApi(SUB).post(maintenances("apply-now") + "/" + m.getString("name") + "/applyNow").then().statusCode(200);
        JsonPath done = awaitEnded("apply-now", m.getString("name"));
        assertEquals("Completed", done.getString("properties.state"), done.prettify());
        long outage = done.getLong("properties.writeUnavailabilityMillis");
        assertTrue(outage > 0 && outage < 10_000, "the measured outage: " + outage + " ms");
        assertEquals(NEW, serverVersion("apply-now"));
        assertEquals(1000, rows("apply-now"));
        await().atMost(Duration.ofSeconds(30)).until(() -> NEW.equals(server("apply-now").getString("properties.minorVersion")));
    }

    @Test
    @Order(9)
    void aServerIsPatchedInsideItsWindow() throws SQLException {
        String id = awaitUpcoming("in-window").getString("name");
        JsonPath done = await("the window and the patch").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> maintenance("in-window", id), j -> !j.getString("properties.state").equals("Scheduled")
                        && !j.getString("properties.state").equals("InProgress"));
        assertEquals("Completed", done.getString("properties.state"), done.prettify());
        assertFalse(Instant.parse(done.getString("properties.startTime")).isBefore(windowStart), "started inside the window");
        assertEquals(NEW, serverVersion("in-window"));
        assertEquals(1000, rows("in-window"));
    }

    @Test
    @Order(10)
    void aCrashOfMaintenanceServiceAfterThePatchStartedIsRecovered() throws SQLException {
        // a pause between "InProgress" and the agent's patch, so the kill lands there
        Stack.crashAndRestartMaintenance(Map.of("PGFLEX_MAINTENANCE_STEP_PAUSE", "20s"));
        JsonPath m = awaitUpcoming("crash-me");
        String id = m.getString("name");
        Stack.maintenanceApi(SUB).post(maintenances("crash-me") + "/" + id + "/applyNow").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> "InProgress".equals(maintenance("crash-me", id).getString("properties.state")));
        assertEquals(OLD, serverVersion("crash-me"), "killed between InProgress and the patch");
        Stack.crashAndRestartMaintenance(Map.of("PGFLEX_MAINTENANCE_STEP_PAUSE", "0s"));
        JsonPath done = awaitEnded("crash-me", id);
        assertEquals("Completed", done.getString("properties.state"), done.prettify());
        assertEquals(NEW, serverVersion("crash-me"));
        assertEquals(1000, rows("crash-me"));
    }

    @Test
    @Order(11)
    void anHaServerIsPatchedStandbyFirstAndWritesPauseOnlyForTheSwitchover() throws Exception {
        JsonPath m = awaitUpcoming("ha-patch");
        String id = m.getString("name");
        int endpoint = PORTS.get("ha-patch");
        try (Writer writer = new Writer(endpoint, "appadmin", PASSWORD, 4)) {
            HaSteps.awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.resetGap();
            Stack.maintenanceApi(SUB).post(maintenances("ha-patch") + "/" + id + "/applyNow").then().statusCode(200);
            JsonPath done = await("maintenance " + id + " of ha-patch ends").atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> maintenance("ha-patch", id),
                            j -> !List.of("Scheduled", "InProgress").contains(j.getString("properties.state")));
            assertEquals("Completed", done.getString("properties.state"), done.prettify());
            HaSteps.awaitProgress(writer, 200, Duration.ofSeconds(30));
            writer.close();
            HaSteps.assertNothingLost(writer, endpoint, PASSWORD);
            long paused = done.getLong("properties.writeUnavailabilityMillis");
            assertTrue(paused > 0, "the switchover's write pause is measured: " + paused + " ms");
            // writes pause only for the switchover: no wait of the clients is longer than it plus a reconnect through the
            // router (the standby's two restarts, held out of synchronous commit, cost nothing); how short the pause is
            // on a quiet machine is bench/maintenance.sh's (CI's load stretched one to 5.9 s)
            assertTrue(writer.longestGapMillis() <= paused + 3_000, "the clients' longest wait for a commit: "
                    + writer.longestGapMillis() + " ms; the switchover's pause: " + paused + " ms");
        }
        assertEquals(NEW, serverVersion("ha-patch"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "Healthy".equals(server("ha-patch")
                .getString("properties.highAvailability.state")));
        try (Connection c = connect("ha-patch"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sync_state FROM pg_stat_replication")) {
            assertTrue(rs.next(), "the patched old primary streams as the standby");
            assertEquals("sync", rs.getString(1));
        }
        assertEquals(1000, rows("ha-patch"));
    }

    @Test
    @Order(12)
    void aPatchThatDoesNotComeUpIsRolledBackAndTheServerKeepsServing() throws Exception {
        for (String agent : NodeAgentResource.instanceAgentIds()) {
            brokenEngine(NodeAgentResource.enginesDir(agent));
        }
        Stack.operatorApi().body("{\"properties\": {\"current\": true}}")
                .put("/providers/Microsoft.DBforPostgreSQL/engineVersions/" + BROKEN).then().statusCode(200);
        JsonPath m = await("broken's maintenance targets " + BROKEN).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> upcoming("broken"), j -> j != null && BROKEN.equals(j.getString("properties.toVersion")));
        Stack.maintenanceApi(SUB).post(maintenances("broken") + "/" + m.getString("name") + "/applyNow").then().statusCode(200);
        JsonPath failed = awaitEnded("broken", m.getString("name"));
        assertEquals("Failed", failed.getString("properties.state"), failed.prettify());
        assertTrue(failed.getString("properties.failureReason").contains("did not come up"), failed.prettify());
        assertEquals(OLD, serverVersion("broken"));
        try (Connection c = connect("broken"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO kept VALUES (1001, 'after the rollback')");
        }
        assertEquals(1001, rows("broken"));
        JsonPath retry = upcoming("broken");
        assertNotNull(retry, "tried again in the next window");
        assertEquals(2, retry.getInt("properties.attempt"));
    }

    @Test
    @Order(13)
    void theServersAreDeleted() {
        PORTS.keySet().parallelStream().forEach(name -> Stack.expectSucceeded(SUB,
                Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/" + name)));
    }

    /** The body with a custom maintenance window three days from now (nothing runs in it during the test). */
    static String farWindow(String body) {
        ZonedDateTime far = ZonedDateTime.now(ZoneOffset.UTC).plusDays(3);
        return body.replace("\"properties\": {", ("\"properties\": {\"maintenanceWindow\": {\"customWindow\": \"Enabled\","
                + " \"dayOfWeek\": %d, \"startHour\": 12, \"startMinute\": 0}, ").formatted(far.getDayOfWeek().getValue() % 7));
    }

    /** A 16.17 that says its version but does not start (what a corrupt or wrong build does). */
    static void brokenEngine(Path enginesDir) throws IOException, InterruptedException {
        Path target = enginesDir.resolve(BROKEN);
        if (Files.exists(target)) {
            return;
        }
        Process cp = new ProcessBuilder("cp", "-a", enginesDir.resolve(NEW).toString(), target.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        Path postgres = target.resolve("bin/postgres");
        Files.delete(postgres);
        Files.writeString(postgres, """
                #!/bin/sh
                if [ "$1" = "--version" ] || [ "$1" = "-V" ]; then echo "postgres (PostgreSQL) %s"; exit 0; fi
                echo "FATAL: this build does not start" >&2
                exit 1
                """.formatted(BROKEN));
        Files.setPosixFilePermissions(postgres, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String base(String name) {
        return Stack.servers(SUB, "rg-e2e") + "/" + name;
    }

    static String maintenances(String name) {
        return base(name) + "/maintenances";
    }

    static JsonPath server(String name) {
        return Stack.api(SUB).get(base(name)).then().statusCode(200).extract().jsonPath();
    }

    /** The server's open maintenance (Scheduled or InProgress), or null. */
    static JsonPath upcoming(String name) {
        JsonPath list = Stack.maintenanceApi(SUB).get(maintenances(name)).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> value = list.getList("value");
        for (int i = 0; i < value.size(); i++) {
            String state = list.getString("value[" + i + "].properties.state");
            if ("Scheduled".equals(state) || "InProgress".equals(state)) {
                return new JsonPath(Stack.maintenanceApi(SUB).get(maintenances(name) + "/" + list.getString("value[" + i + "].name"))
                        .then().statusCode(200).extract().asString());
            }
        }
        return null;
    }

    static JsonPath awaitUpcoming(String name) {
        return await("the maintenance of " + name).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> upcoming(name), java.util.Objects::nonNull);
    }

    static JsonPath maintenance(String name, String id) {
        return Stack.maintenanceApi(SUB).get(maintenances(name) + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitEnded(String name, String id) {
        return await("maintenance " + id + " of " + name + " ends").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> maintenance(name, id), j -> !List.of("Scheduled", "InProgress")
                        .contains(j.getString("properties.state")));
    }

    static Connection connect(String name) throws SQLException {
        return Stack.connect(PORTS.get(name), "appadmin", PASSWORD);
    }

    static String serverVersion(String name) throws SQLException {
        try (Connection c = connect(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            assertTrue(rs.next());
            return rs.getString(1).replaceAll("^(\\d+\\.\\d+).*", "$1");
        }
    }

    static long rows(String name) throws SQLException {
        try (Connection c = connect(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    static io.restassured.response.Response reschedule(String name, String id, Instant start) {
        return Stack.maintenanceApi(SUB).body("{\"scheduledStartTime\": \"" + start + "\"}")
                .post(maintenances(name) + "/" + id + "/reschedule");
    }
}
