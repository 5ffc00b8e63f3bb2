package io.pgflex.monitoring.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.StorageLevelChanged.Level;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StorageLevelsTest {
    static final Instant T = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration REPEAT = Duration.ofMinutes(1);

    @Test
    void levelsFollowAzuresThresholds() {
        assertEquals(Level.Normal, StorageLevels.levelOf(89.9, 90, 95));
        assertEquals(Level.High, StorageLevels.levelOf(90, 90, 95));
        assertEquals(Level.Full, StorageLevels.levelOf(95, 90, 95));
    }

    @Test
    void sendsChangesAtOnceAndRepeatsWhileNotNormal() {
        assertTrue(StorageLevels.shouldSend(Level.Normal, T, T, Level.Full, T.plusSeconds(1), REPEAT));
        assertFalse(StorageLevels.shouldSend(Level.Full, T, T, Level.Full, T.plusSeconds(30), REPEAT));
        assertTrue(StorageLevels.shouldSend(Level.Full, T, T, Level.Full, T.plusSeconds(60), REPEAT));
    }

    @Test
    void repeatsABackToNormalForAWhileThenStopsTalking() {
        Instant since = T;
        assertTrue(StorageLevels.shouldSend(Level.Normal, T, since, Level.Normal, T.plusSeconds(60), REPEAT));
        assertFalse(StorageLevels.shouldSend(Level.Normal, T.plusSeconds(60), since, Level.Normal, T.plusSeconds(90), REPEAT));
        assertFalse(StorageLevels.shouldSend(Level.Normal, T.plusSeconds(540), since, Level.Normal, T.plusSeconds(600), REPEAT));
        assertFalse(StorageLevels.shouldSend(Level.Normal, null, null, Level.Normal, T, REPEAT), "a server always Normal is never sent");
    }
}
