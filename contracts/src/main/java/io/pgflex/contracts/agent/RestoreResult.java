package io.pgflex.contracts.agent;

import java.time.Instant;

/**
 * What a restore produced: the instance, which backup it started from, where replay ended, how
 * long the files took (download, decrypt, decompress, check) and the whole restore.
 */
public record RestoreResult(InstanceStatus instance, String backupId, Instant backupStoppedAt, String restoredLsn,
                            int timeline, long downloadMillis, long durationMillis) {
}
