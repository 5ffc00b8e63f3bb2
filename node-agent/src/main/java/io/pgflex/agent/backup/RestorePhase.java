package io.pgflex.agent.backup;

import io.pgflex.contracts.agent.RestoreRequest;
import io.pgflex.repository.BackupManifest;
import java.util.List;

/**
 * The decisions of a point-in-time restore, pure: which step a call takes from what the instance shows (a repeated
 * call, one resumed after an agent restart), and which backup it starts from.
 */
public record RestorePhase(Step step, String reason) {
    public enum Step {
        /** Nothing there: download, replay, promote. */
        FRESH,
        /** Restored before (the call is repeated): bring the instance to its spec. */
        BRING_TO_SPEC,
        /** Replay runs already (an earlier call was cut short): follow it to its promotion, never redo it. */
        FOLLOW_REPLAY,
        /** An earlier attempt stopped before replay: remove what it left and start again. */
        START_OVER
    }

    /**
     * @param recorded      the instance has a record on this agent
     * @param restoreMarked its restore.json is there (removed once promoted)
     * @param running       its PostgreSQL runs
     */
    public static RestorePhase of(boolean recorded, boolean restoreMarked, boolean running) {
        if (!recorded) {
            return new RestorePhase(Step.FRESH, "a new instance: download the backup and replay WAL");
        }
        if (!restoreMarked) {
            return new RestorePhase(Step.BRING_TO_SPEC, "restored before (the call is repeated): bringing it to its spec");
        }
        if (running) {
            // a redo after a promotion would archive a second, different timeline under the same names
            return new RestorePhase(Step.FOLLOW_REPLAY, "its restore is replaying already; following it");
        }
        return new RestorePhase(Step.START_OVER, "an earlier restore was cut short before replay; starting it again");
    }

    /** The latest backup that finished before the target (any, for the end of the archive). */
    public static BackupManifest choose(List<BackupManifest> backups, RestoreRequest request) {
        BackupManifest chosen = null;
        for (BackupManifest m : backups) {
            if (request.targetTime() == null || m.stoppedAt().isBefore(request.targetTime())) {
                chosen = m;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException(backups.isEmpty()
                    ? "server " + request.sourceServerId() + " has no finished backup yet"
                    : "no backup of server " + request.sourceServerId() + " finished before " + request.targetTime()
                    + " (the earliest finished at " + backups.get(0).stoppedAt() + ")");
        }
        return chosen;
    }
}
