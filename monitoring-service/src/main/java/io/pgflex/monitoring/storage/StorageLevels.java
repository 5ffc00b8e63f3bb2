package io.pgflex.monitoring.storage;

import io.pgflex.contracts.events.StorageLevelChanged.Level;
import java.time.Duration;
import java.time.Instant;

/** Pure rules of storage protection: which level a reading is, and whether to tell provisioning. */
public final class StorageLevels {
    private StorageLevels() {
    }

    public static Level levelOf(double storagePercent, double highPercent, double fullPercent) {
        if (storagePercent >= fullPercent) {
            return Level.Full;
        }
        return storagePercent >= highPercent ? Level.High : Level.Normal;
    }

    /** How many repeats a return to Normal gets (a read-only server must hear it even if it was busy). */
    static final int NORMAL_REPEATS = 10;

    /**
     * Send when the level changed, and again every {@code repeat} while it is not Normal, and for
     * ten repeats after it came back to Normal: the first event may have been lost, or provisioning
     * could not act yet (an operation was running).
     */
    public static boolean shouldSend(Level previous, Instant sentAt, Instant since, Level now, Instant at, Duration repeat) {
        if (previous != now) {
            return true;
        }
        boolean repeating = now != Level.Normal || (since != null && at.isBefore(since.plus(repeat.multipliedBy(NORMAL_REPEATS))));
        return repeating && (sentAt == null || !at.isBefore(sentAt.plus(repeat)));
    }
}
