package io.pgflex.contracts.agent;

import java.time.Instant;

/**
 * A base backup as the agent running it sees it. {@code state}: Running, Completed or Failed; the
 * figures are filled once Completed (the manifest in the repository holds the same and every file).
 */
public record BackupJob(String backupId, String instanceId, String serverId, String state, String error,
                        String step, String engineVersion, int timeline, String startLsn, String stopLsn,
                        String startWal, String stopWal, Instant startedAt, Instant stoppedAt, long sizeBytes,
                        long storedBytes, int fileCount) {
    public boolean done() {
        return !"Running".equals(state);
    }
}
