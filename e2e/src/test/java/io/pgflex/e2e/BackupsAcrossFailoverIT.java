package io.pgflex.e2e;

import static io.pgflex.e2e.Restores.PASSWORD;
import static io.pgflex.e2e.Restores.SUB;
import static io.pgflex.e2e.Restores.awaitHa;
import static io.pgflex.e2e.Restores.backup;
import static io.pgflex.e2e.Restores.base;
import static io.pgflex.e2e.Restores.ids;
import static io.pgflex.e2e.Restores.insert;
import static io.pgflex.e2e.Restores.range;
import static io.pgflex.e2e.Restores.restore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups of a zone-redundant server follow its primary across a planned failover: the next backup is taken on the
 * promoted instance, the archive has every WAL segment across the switch, and a restore crosses the timeline
 * switch. One behaviour per test; the server and its failover are made once for the class.
 */
class BackupsAcrossFailoverIT {
    private static final String NAME = "pitr-ha";
    private static Instant afterFailover;

    /**
     * Given a zone-redundant server with a completed backup, rows 1-100, a planned failover, rows 101-200 (the
     * point after the failover), 201-300, and an on-demand backup "after-failover".
     */
    @BeforeAll
    static void serverFailedOverWithABackupAfterIt() throws Exception {
        int port = Stack.readyServer(SUB, NAME, """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "availabilityZone": "2", "administratorLogin": "appadmin",
                 "administratorLoginPassword": "%s", "highAvailability": {"mode": "ZoneRedundant"}}}""".formatted(PASSWORD));
        awaitHa(NAME, "Healthy");
        Restores.firstBackup(NAME);
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        insert(port, 1, 100);
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"restartWithFailover\": true, \"failoverMode\": \"PlannedFailover\"}")
                .post(base(NAME) + "/restart"));
        awaitHa(NAME, "Healthy");
        insert(port, 101, 200);
        afterFailover = Restores.now(port);
        insert(port, 201, 300);
        Restores.onDemandBackup(NAME, "after-failover");
    }

    @Test
    void theBackupAfterAFailoverIsTakenOnThePromotedInstancesTimeline() throws Exception {
        // then the backup taken after the failover (given) is on timeline 2: it would have failed on the standby
        assertEquals("2", backup(NAME, "after-failover").getString("properties.timeline").replace(".0", ""));
    }

    @Test
    void theArchiveHasEveryWalSegmentAcrossTheFailover() throws Exception {
        // when the backup status is read
        JsonPath status = Stack.backupApi(SUB).get(base(NAME) + "/backupStatus").then().statusCode(200).extract().jsonPath();

        // then it shows no gap and both timelines
        assertEquals(List.of(), status.getList("properties.walGaps"));
        assertTrue(status.getInt("properties.timelines") >= 2, status.prettify());
    }

    @Test
    void aRestoreToAPointAfterTheFailoverCrossesTheTimelineSwitch() throws Exception {
        // when the server is restored to a point after the failover (its base backup lies before it)
        int restored = restore(NAME, afterFailover, "pitr-ha-r1");

        // then it has rows 1-200
        assertEquals(range(1, 200), ids(restored));
    }
}
