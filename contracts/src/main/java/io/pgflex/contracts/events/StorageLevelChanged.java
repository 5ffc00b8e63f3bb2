package io.pgflex.contracts.events;

import java.time.Instant;

/**
 * How full a server's storage is, as monitoring-service saw it in the primary's metrics: sent when
 * the level changes and repeated while it is not {@link Level#Normal}, so a lost or unactionable
 * event heals. {@code storageSizeGb} is the size the reading was against: a reading from before a
 * grow took effect is stale and changes nothing. provisioning-service acts: autogrow to the next size, or read-only at
 * {@link Level#Full}, writable again once back under it. Topic {@link Topics#ALERTS}.
 */
public record StorageLevelChanged(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        Level level,
        double storagePercent,
        long storageUsedBytes,
        long storageLimitBytes,
        Integer storageSizeGb,
        Instant observedAt) implements PgflexEvent {
    public static final int VERSION = 1;

    public enum Level {
        /** under the autogrow threshold (90 %) */
        Normal,
        /** at or over 90 %: autogrow grows the storage now */
        High,
        /** at or over 95 %: without autogrow (or at the largest size) the server turns read-only */
        Full
    }
}
