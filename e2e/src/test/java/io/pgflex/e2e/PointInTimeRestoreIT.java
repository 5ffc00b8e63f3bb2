package io.pgflex.e2e;

import static io.pgflex.e2e.Restores.PASSWORD;
import static io.pgflex.e2e.Restores.SUB;
import static io.pgflex.e2e.Restores.backup;
import static io.pgflex.e2e.Restores.base;
import static io.pgflex.e2e.Restores.firstBackup;
import static io.pgflex.e2e.Restores.ids;
import static io.pgflex.e2e.Restores.insert;
import static io.pgflex.e2e.Restores.now;
import static io.pgflex.e2e.Restores.range;
import static io.pgflex.e2e.Restores.restore;
import static io.pgflex.e2e.Restores.restoreBody;
import static io.pgflex.e2e.Restores.verify;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.NodeAgentResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups and point-in-time restore as users get them: automatic and on-demand backups of a real server, restores
 * into new servers to several points (just after a base backup, far into WAL, from a deleted server), a repository
 * with no plaintext, a restore drill, and a damaged backup that verify and restore refuse loudly. One behaviour per
 * test; the source server and its history are made once for the class, and the tests that damage or delete it run
 * last (in their order).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRestoreIT {
    private static final String SRC = "pitr-src";
    private static int port;
    private static String automatic;
    private static Instant beforeOnDemand;
    private static Instant justAfterBackup;
    private static Instant farIntoWal;

    /**
     * Given a server whose first automatic backup completed, rows 1-100, an on-demand backup "before-b", rows
     * 101-200 (the point just after that backup), 201-300, several WAL segments of other writes, 301-400 (the point
     * far into WAL) and 401-500.
     */
    @BeforeAll
    static void serverWithBackupsAndHistory() throws Exception {
        port = Stack.readyServer(SUB, SRC, Stack.serverBody("16", "appadmin", PASSWORD));
        automatic = firstBackup(SRC);
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        insert(port, 1, 100);
        beforeOnDemand = now(port);
        Restores.onDemandBackup(SRC, "before-b");
        insert(port, 101, 200);
        justAfterBackup = now(port);
        insert(port, 201, 300);
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 300000) g");
        }
        insert(port, 301, 400);
        farIntoWal = now(port);
        insert(port, 401, 500);
    }

    @Test
    @Order(1)
    void aNewServerIsBackedUpInFullWithoutAnyoneAsking() throws Exception {
        // when the server was created (given), then its first backup is a full one nobody asked for
        assertEquals("Full", backup(SRC, automatic).getString("properties.backupType"));
    }

    @Test
    @Order(2)
    void theServerShowsAnEarliestRestoreDateBeforeItsLatestPoints() throws Exception {
        // when the server resource is read
        String earliest = Stack.api(SUB).get(base(SRC)).then().statusCode(200).extract().path("properties.backup.earliestRestoreDate");

        // then it names the earliest restore date, before the points the tests restore to
        assertNotNull(earliest, "the server resource has its earliest restore date");
        assertTrue(Instant.parse(earliest).isBefore(justAfterBackup), earliest + " is not before " + justAfterBackup);
    }

    @Test
    @Order(3)
    void aRestoreJustAfterABaseBackupHasExactlyTheRowsCommittedBeforeThePoint() throws Exception {
        // when the server is restored to the point just after the on-demand backup
        int restored = restore(SRC, justAfterBackup, "pitr-r1");

        // then it holds rows 1-200, not the 201-500 committed later
        assertEquals(range(1, 200), ids(restored));
    }

    @Test
    @Order(4)
    void aRestoreFarIntoTheWalReplaysEverySegmentUpToThePoint() throws Exception {
        // when the server is restored to a point several WAL segments after its last backup
        int restored = restore(SRC, farIntoWal, "pitr-r2");

        // then it holds rows 1-400
        assertEquals(range(1, 400), ids(restored));
    }

    @Test
    @Order(5)
    void aRestoredServerTakesWritesAndBacksItselfUp() throws Exception {
        // given the server restored far into the WAL (test 4)
        int restored = Stack.api(SUB).get(base("pitr-r2")).then().statusCode(200).extract().path("properties.port");

        // when a tenant writes to it
        try (Connection c = Stack.connect(restored, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (10000, 'a restored server is a normal server')");
        }

        // then it is a normal server: its own first backup completes
        assertNotNull(firstBackup("pitr-r2"));
    }

    @Test
    @Order(6)
    void aRestoreDrillOfTheLatestBackupReplaysToTheEndOfTheArchive() throws Exception {
        // when a restore drill is asked for
        Stack.backupApi(SUB).post(base(SRC) + "/restoreDrill").then().statusCode(202);

        // then it passes on the latest backup, having replayed up to row 500
        await("restore drill").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> backup(SRC, "before-b").getString("properties.restoreDrill.state"), s -> s != null);
        assertEquals("Passed", backup(SRC, "before-b").getString("properties.restoreDrill.state"),
                backup(SRC, "before-b").getString("properties.restoreDrill.detail"));
        assertTrue(backup(SRC, "before-b").getString("properties.restoreDrill.detail").contains("t=500"),
                "the drill replayed to the end of the archive: " + backup(SRC, "before-b").getString("properties.restoreDrill.detail"));
    }

    @Test
    @Order(7)
    void theRepositoryHoldsNoPlaintextOfTheTenantsRows() throws Exception {
        // given rows carrying a marker in backups and archived WAL
        Path repo = NodeAgentResource.backupRepository();

        // then no file of the repository contains the marker
        try (var files = Files.walk(repo)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(Restores.MARKER), "plaintext in " + f);
            }
        }
    }

    @Test
    @Order(8)
    void verifyReadsAnIntactBackupBackAndPasses() throws Exception {
        verify(SRC, "before-b", "Passed");
    }

    @Test
    @Order(9)
    void aFlippedByteInABackupFailsItsVerification() throws Exception {
        // given one byte of the backup's largest data file flipped in the repository
        Path data = Restores.largestFile(NodeAgentResource.backupRepository(), backup(SRC, "before-b").getString("properties.repositoryId"));
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(data, bytes);

        // when it is verified, then it fails
        verify(SRC, "before-b", "Failed");
    }

    @Test
    @Order(10)
    void aRestoreFromTheDamagedBackupFailsAndNamesTheDamage() throws Exception {
        // given the damaged backup (test 9) is the one a restore to just after it needs
        // when a restore to that point is asked for
        var accepted = Stack.api(SUB).body(restoreBody(SRC, justAfterBackup)).put(base("pitr-r3"));

        // then the operation fails, and says the backup is damaged
        assertEquals("Failed", Stack.awaitOperation(SUB, accepted));
        String error = Stack.api(SUB).get(java.net.URI.create(accepted.header("Azure-AsyncOperation")).getPath()
                + "?api-version=" + Stack.VERSION).then().extract().path("error.message");
        assertTrue(error != null && error.contains("damaged"), "the restore names the damage: " + error);
    }

    @Test
    @Order(11)
    void aDeletedServerStaysRestorableWithinItsRetention() throws Exception {
        // given the source server deleted
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base(SRC)));

        // when it is restored to a point before the damaged backup (from the automatic one)
        int restored = restore(SRC, beforeOnDemand, "pitr-r4");

        // then the restore has rows 1-100
        assertEquals(range(1, 100), ids(restored));
    }
}
