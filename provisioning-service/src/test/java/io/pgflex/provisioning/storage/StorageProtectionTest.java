package io.pgflex.provisioning.storage;

import io.pgflex.contracts.events.StorageLevelChanged.Level;
import io.pgflex.provisioning.model.StorageTiers;
import io.pgflex.provisioning.storage.StorageProtection.Action;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StorageProtectionTest {
    static StorageProtection.Decision decide(Level level, boolean ready, boolean autoGrow, int gb, boolean readOnly) {
        return StorageProtection.decide(level, ready, autoGrow, gb, readOnly, StorageTiers.STORAGE_SIZES);
    }

    @Test
    void autogrowGrowsToTheNextSizeFromNinetyPercent() {
        StorageProtection.Decision d = decide(Level.High, true, true, 32, false);
        assertEquals(Action.Grow, d.action());
        assertEquals(64, d.newStorageGb());
        assertEquals(Action.Grow, decide(Level.Full, true, true, 128, false).action(), "autogrow wins over read-only");
    }

    @Test
    void fullStorageThatCannotGrowTurnsReadOnly() {
        assertEquals(Action.SetReadOnly, decide(Level.Full, true, false, 32, false).action());
        assertEquals(Action.SetReadOnly, decide(Level.Full, true, true, 32768, false).action());
        assertEquals(Action.None, decide(Level.High, true, false, 32, false).action());
        assertEquals(Action.None, decide(Level.Full, true, false, 32, true).action());
    }

    @Test
    void readOnlyEndsUnderTheThreshold() {
        assertEquals(Action.ClearReadOnly, decide(Level.Normal, true, false, 64, true).action());
        assertEquals(Action.ClearReadOnly, decide(Level.High, true, false, 64, true).action());
    }

    @Test
    void waitsForAReadyServer() {
        StorageProtection.Decision d = decide(Level.Full, false, false, 32, false);
        assertEquals(Action.None, d.action());
        assertEquals("storage full without autogrow: read-only until storage grows or data is removed, once the server is"
                + " Ready (the level is sent again)", d.reason());
    }
}
