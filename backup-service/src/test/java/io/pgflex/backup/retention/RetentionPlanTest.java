package io.pgflex.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    static RetentionPlan.Backup backup(int daysAgo, String startWal) {
        return new RetentionPlan.Backup(UUID.nameUUIDFromBytes(("b" + daysAgo).getBytes()), NOW.minus(Duration.ofDays(daysAgo)), startWal);
    }

    @Test
    void keepsTheBackupThatRestoresTheWindowsStartAndEverythingAfter() {
        var b20 = backup(20, "000000010000000000000010");
        var b9 = backup(9, "000000010000000000000030");
        var b8 = backup(8, "000000010000000000000040");
        var b2 = backup(2, "000000020000000000000050");
        RetentionPlan plan = RetentionPlan.decide(NOW, 7, null, List.of(b20, b9, b8, b2));
        assertEquals(List.of(b20.id(), b9.id()), plan.expire(), plan.reason());
        assertEquals(b8.completedAt(), plan.restorableFrom());
        assertTrue(plan.walExpired("00000001000000000000003F"));
        assertFalse(plan.walExpired("000000010000000000000040"));
        assertFalse(plan.walExpired("000000020000000000000041"), "positions compare across timelines");
        assertFalse(plan.walExpired("00000002.history"), "timeline history stays");
        assertTrue(plan.walExpired("00000001000000000000003A.00000028.backup"));
    }

    @Test
    void keepsEverythingWhileNoBackupIsOlderThanTheWindow() {
        RetentionPlan plan = RetentionPlan.decide(NOW, 7, null, List.of(backup(3, "000000010000000000000010")));
        assertTrue(plan.expire().isEmpty());
        assertEquals(NOW.minus(Duration.ofDays(3)), plan.restorableFrom());
        assertTrue(plan.walExpired("000000010000000000000001"), "WAL from before the oldest backup restores nothing");
        assertFalse(plan.walExpired("000000010000000000000010"));
    }

    @Test
    void aDeletedServerKeepsItsBackupsForItsRetentionThenLosesAll() {
        var b = backup(10, "000000010000000000000010");
        Instant deleted = NOW.minus(Duration.ofDays(3));
        RetentionPlan kept = RetentionPlan.decide(NOW, 7, deleted, List.of(b));
        assertFalse(kept.purge());
        assertEquals(List.of(), kept.expire());
        RetentionPlan gone = RetentionPlan.decide(NOW.plus(Duration.ofDays(5)), 7, deleted, List.of(b));
        assertTrue(gone.purge());
        assertEquals(List.of(b.id()), gone.expire());
    }
}
