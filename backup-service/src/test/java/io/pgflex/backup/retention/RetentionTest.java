package io.pgflex.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.backup.backup.BackupEntity;
import io.pgflex.backup.config.Repository;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Retention against the real repository and database with the service's clock moved on by days:
 * what is expired goes, and every point of the window stays restorable (a backup that ended at or
 * before it, and all WAL from that backup's start).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class RetentionTest {
    @Inject
    Retention retention;
    @Inject
    Repository repository;
    @Inject
    MutableClock clock;

    record Made(UUID id, Instant completedAt, String startWal) {
    }

    @Test
    void removesWhatIsExpiredAndNothingStillNeeded() throws Exception {
        UUID server = UUID.randomUUID();
        BackupRepository repo = repository.store().repository();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as the database keeps it
        List<Made> made = new ArrayList<>();
        int[] daysAgo = {20, 13, 9, 6, 2};
        QuarkusTransaction.requiringNew().run(() -> {
            BackupPolicy p = new BackupPolicy();
            p.serverId = server;
            p.subscriptionId = "sub-r";
            p.retentionDays = 7;
            p.serverName = "ret";
            p.resourceGroup = "rg";
            p.running = true;
            p.updatedAt = now;
            p.persist();
        });
        for (int i = 0; i < daysAgo.length; i++) {
            String startWal = String.format("00000001000000000000%04X", 0x10 * (i + 1));
            Made m = new Made(UUID.randomUUID(), now.minus(Duration.ofDays(daysAgo[i])), startWal);
            made.add(m);
            QuarkusTransaction.requiringNew().run(() -> {
                BackupEntity b = new BackupEntity();
                b.id = m.id();
                b.serverId = server;
                b.subscriptionId = "sub-r";
                b.name = "auto_" + m.id();
                b.kind = BackupEntity.Kind.Automatic;
                b.state = BackupEntity.State.Completed;
                b.agentId = "agent-1";
                b.instanceId = "i";
                b.startedAt = m.completedAt().minusSeconds(60);
                b.completedAt = m.completedAt();
                b.startWal = m.startWal();
                b.persist();
            });
            repo.put(RepositoryLayout.manifest(server.toString(), m.id().toString()), new byte[] {1});
            repo.put(RepositoryLayout.dataFile(server.toString(), m.id().toString(), "base/1/1"), new byte[] {1});
        }
        for (int seg = 0x08; seg <= 0x58; seg++) {
            repo.put(RepositoryLayout.wal(server.toString(), String.format("00000001000000000000%04X", seg)), new byte[] {2});
        }
        repo.put(RepositoryLayout.wal(server.toString(), "00000002.history"), new byte[] {3});

        retention.run(server);
        assertKept(server, made, List.of(2, 3, 4), now);

        clock.advance(Duration.ofDays(4)); // the window now starts 3 days ago (of the original now): the 6-day-old backup anchors it
        retention.run(server);
        assertKept(server, made, List.of(3, 4), clock.instant());

        // deleted: everything stays for the retention period, then goes
        QuarkusTransaction.requiringNew().run(() -> BackupPolicy.<BackupPolicy>findById(server).deletedAt = clock.instant());
        clock.advance(Duration.ofDays(6));
        retention.run(server);
        assertKept(server, made, List.of(3, 4), null);
        clock.advance(Duration.ofDays(2));
        retention.run(server);
        assertTrue(repo.list(RepositoryLayout.server(server.toString())).isEmpty(), "the deleted server's repository is empty");
        assertEquals(0L, (long) QuarkusTransaction.requiringNew().call(() -> BackupEntity.count("serverId", server)));
    }

    private void assertKept(UUID server, List<Made> made, List<Integer> keptIndexes, Instant now) throws Exception {
        BackupRepository repo = repository.store().repository();
        for (int i = 0; i < made.size(); i++) {
            boolean present = repo.size(RepositoryLayout.manifest(server.toString(), made.get(i).id().toString())).isPresent();
            assertEquals(keptIndexes.contains(i), present, "backup " + i + " kept");
        }
        List<String> wal = repo.list(RepositoryLayout.walPrefix(server.toString())).stream()
                .map(e -> e.key().substring(e.key().lastIndexOf('/') + 1)).toList();
        assertTrue(wal.contains("00000002.history"));
        Made oldest = made.get(keptIndexes.get(0));
        for (String w : wal) {
            if (!w.endsWith(".history")) {
                assertTrue(w.compareTo(oldest.startWal()) >= 0, w + " is older than the oldest kept backup: should be gone");
            }
        }
        for (int seg = Integer.parseInt(oldest.startWal().substring(20), 16); seg <= 0x58; seg++) {
            assertTrue(wal.contains(String.format("00000001000000000000%04X", seg)), "WAL still needed is kept: " + seg);
        }
        if (now != null) {
            // every point of the window has a kept backup that ended at or before it
            Instant windowStart = now.minus(Duration.ofDays(7));
            assertTrue(!oldest.completedAt().isAfter(windowStart), "the oldest kept backup covers the window's start");
            BackupPolicy p = QuarkusTransaction.requiringNew().call(() -> BackupPolicy.<BackupPolicy>findById(server));
            assertEquals(oldest.completedAt(), p.restorableFrom);
            assertEquals(windowStart, p.earliestRestoreDate(now));
        }
    }
}
