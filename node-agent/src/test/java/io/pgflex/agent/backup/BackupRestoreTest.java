package io.pgflex.agent.backup;

import io.pgflex.agent.archive.BackupStorage;
import io.pgflex.agent.archive.WalArchive;
import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WAL archiving, a base backup and point-in-time restores through one agent, against a real
 * PostgreSQL and the filesystem repository (subclasses: the same against s3proxy and Azurite): rows
 * before the target are back, rows after are not, the store holds no plaintext, a flipped byte
 * fails the restore.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(io.pgflex.testkit.AgentDataRootResource.class)
public class BackupRestoreTest {
    static final String PASSWORD = "Str0ng-Passw0rd!";
    @Inject
    BackupStorage storage;
    @Inject
    WalArchive wal;

    /** The agent under test, called as provisioning-service (what creates and changes instances). */
    static RequestSpecification agent() {
        return agent("provisioning-service");
    }

    static RequestSpecification agent(String caller) {
        return io.pgflex.testkit.AgentDataRootResource.as(caller).contentType(ContentType.JSON);
    }

    static String spec(String serverId, String name) {
        return """
                {"operationId":"op-1","serverId":"%s","subscriptionId":"sub-a","serverName":"%s",
                 "engineVersion":"15","skuName":"Standard_B1ms","storageSizeGb":32,"adminLogin":"appadmin",
                 "adminPasswordVerifier":"%s","parameters":{},
                 "firewallRules":[{"name":"local","startIpAddress":"127.0.0.1","endIpAddress":"127.0.0.1"}],
                 "publicNetworkAccess":true,"desiredState":"Running"}"""
                .formatted(serverId, name, PasswordUtil.encodeScramSha256(PASSWORD.toCharArray()));
    }

    static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "appadmin");
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    static List<Integer> ids(int port) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = connect(port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static String now(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void restoresToAPointInTimeFromSealedBackups() throws Exception {
        String serverId = UUID.randomUUID().toString();
        String id = "src-" + serverId.substring(0, 8);
        int port = agent().body(spec(serverId, "src")).when().put("/agent/v1/instances/" + id)
                .then().statusCode(200).extract().path("port");
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key, v text)");
            s.execute("INSERT INTO t SELECT g, 'pgflex-marker-5c1e ' || g FROM generate_series(1, 100) g");
        }
        String backupId = "b-" + UUID.randomUUID().toString().substring(0, 8);
        agent("backup-service").body("{\"backupId\":\"" + backupId + "\",\"kind\":\"OnDemand\"}").when()
                .post("/agent/v1/instances/" + id + "/backups").then().statusCode(200).body("state", equalTo("Running"));
        Awaitility.await("backup completes").atMost(Duration.ofSeconds(120)).until(() -> agent()
                .when().get("/agent/v1/instances/" + id + "/backups/" + backupId).then().statusCode(200)
                .extract().path("state"), state -> !"Running".equals(state));
        agent().when().get("/agent/v1/instances/" + id + "/backups/" + backupId).then()
                .body("state", equalTo("Completed")).body("fileCount", org.hamcrest.Matchers.greaterThan(100));

        String target;
        try (Connection c = connect(port); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t SELECT g, 'after backup' FROM generate_series(101, 150) g");
            target = now(s);
            s.execute("INSERT INTO t SELECT g, 'after target' FROM generate_series(151, 200) g");
        }
        agent().when().post("/agent/v1/instances/" + id + "/wal-switch").then().statusCode(200).body("archived", equalTo(true));

        // to the target: rows before it, none after
        String r1 = "r1-" + serverId.substring(0, 8);
        int p1 = agent().body("{\"spec\":" + spec(UUID.randomUUID().toString(), "r1") + ",\"sourceServerId\":\"" + serverId
                        + "\",\"targetTime\":\"" + target + "\",\"scratch\":false}")
                .when().put("/agent/v1/instances/" + r1 + "/restore").then().statusCode(200)
                .body("backupId", equalTo(backupId)).extract().path("instance.port");
        List<Integer> restored = ids(p1);
        assertEquals(150, restored.size(), "rows 1..150 committed before the target");
        assertEquals(150, restored.get(restored.size() - 1));
        try (Connection c = connect(p1); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (1000, 'the restored server takes writes')");
        }

        // to the end of the archive: every row
        String r2 = "r2-" + serverId.substring(0, 8);
        int p2 = agent().body("{\"spec\":" + spec(UUID.randomUUID().toString(), "r2") + ",\"sourceServerId\":\"" + serverId
                        + "\",\"scratch\":true}")
                .when().put("/agent/v1/instances/" + r2 + "/restore").then().statusCode(200).extract().path("instance.port");
        assertEquals(200, ids(p2).size());
        agent().when().get("/agent/v1/instances/" + r2 + "/parameters").then().statusCode(200)
                .body("find { it.name == 'archive_mode' }.value", equalTo("off")); // a drill's scratch copy archives nothing
        agent().when().get("/agent/v1/instances/" + r1 + "/parameters").then().statusCode(200)
                .body("find { it.name == 'archive_mode' }.value", equalTo("always")); // a restored server archives its own
        agent("backup-service").when().post("/agent/v1/instances/" + r2 + "/sanity").then().statusCode(200)
                .body("ok", equalTo(true)).body("tables.find { it.table == 'public.t' }.rows", equalTo(200));

        // nothing the store keeps is readable as plaintext
        try (var files = Files.walk(storeDataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("pgflex-marker-5c1e"),
                        "plaintext in " + f);
            }
        }

        // a flipped byte in the backup: the restore fails loudly and names the file
        var repo = storage.repository();
        String dataFile = repo.list(io.pgflex.repository.RepositoryLayout.backup(serverId, backupId) + "data/base/").stream()
                .filter(e -> e.size() > 1000).findFirst().orElseThrow().key();
        byte[] bytes = repo.read(dataFile);
        bytes[bytes.length / 2] ^= 0x40;
        repo.put(dataFile, bytes);
        agent().body("{\"spec\":" + spec(UUID.randomUUID().toString(), "r3") + ",\"sourceServerId\":\"" + serverId
                        + "\",\"scratch\":true}")
                .when().put("/agent/v1/instances/r3-" + serverId.substring(0, 8) + "/restore").then().statusCode(422)
                .body("error.code", equalTo("RestoreFailed")).body("error.message", containsString("damaged"));

        for (String i : List.of(id, r1, r2, "r3-" + serverId.substring(0, 8))) {
            agent().when().delete("/agent/v1/instances/" + i).then().statusCode(200);
        }
    }

    /** Where the repository's bytes end up on disk: the filesystem repository, or the object store's data directory. */
    Path storeDataDir() {
        String objectStore = System.getProperty(io.pgflex.testkit.ObjectStoreResource.DATA_DIR);
        return objectStore != null ? Path.of(objectStore) : Path.of(storage.repository().describe().replace("filesystem ", ""));
    }

    @Test
    void archivesIdempotentlyAndRefusesOtherContent() throws Exception {
        String serverId = UUID.randomUUID().toString();
        String id = "arc-" + serverId.substring(0, 8);
        agent().body(spec(serverId, "arc")).when().put("/agent/v1/instances/" + id).then().statusCode(200);
        String token = wal.instanceToken(id);
        byte[] segment = new byte[16 << 20];
        segment[0] = 7;
        String file = "0000000100000000000000F0";
        for (String expected : List.of("STORED", "ALREADY_THERE")) {
            io.pgflex.testkit.AgentDataRootResource.as(null).header("Authorization", "Bearer " + token).body(segment)
                    .when().put("/agent/v1/instances/" + id + "/wal/" + file).then().statusCode(200).body("result", equalTo(expected));
        }
        segment[1] = 1;
        io.pgflex.testkit.AgentDataRootResource.as(null).header("Authorization", "Bearer " + token).body(segment)
                .when().put("/agent/v1/instances/" + id + "/wal/" + file).then().statusCode(409).body("error.code", equalTo("WalConflict"));
        // the instance's token is good for its own WAL only
        io.pgflex.testkit.AgentDataRootResource.as(null).header("Authorization", "Bearer " + token).when().get("/agent/v1/instances/" + id).then().statusCode(401);
        io.pgflex.testkit.AgentDataRootResource.as(null).header("Authorization", "Bearer " + token).when().get("/agent/v1/instances/other/wal/" + file).then().statusCode(401);
        byte[] back = io.pgflex.testkit.AgentDataRootResource.as(null).header("Authorization", "Bearer " + token).when().get("/agent/v1/instances/" + id + "/wal/" + file)
                .then().statusCode(200).extract().asByteArray();
        assertEquals(7, back[0]);
        assertEquals(0, back[1]);
        assertTrue(back.length == 16 << 20);
        agent().when().delete("/agent/v1/instances/" + id).then().statusCode(200);
    }
}
