package io.pgflex.backup.retention;

import io.pgflex.backup.wal.WalNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What retention removes, decided from a snapshot without any I/O. Restoring to any point inside
 * the window [now − retention, now] needs the latest backup that ended at or before the window's
 * start (the anchor), every backup after it, and the WAL from the anchor's first segment on. Older
 * backups and WAL go. A deleted server keeps everything for its retention period after the
 * deletion, then all of it goes.
 */
public record RetentionPlan(List<UUID> expire, Instant restorableFrom, String keepWalFrom, boolean purge, String reason) {

    /** A completed backup: when it ended, its first WAL segment. */
    public record Backup(UUID id, Instant completedAt, String startWal) {
    }

    public static RetentionPlan decide(Instant now, int retentionDays, Instant deletedAt, List<Backup> oldestFirst) {
        Duration retention = Duration.ofDays(retentionDays);
        if (deletedAt != null && !deletedAt.plus(retention).isAfter(now)) {
            return new RetentionPlan(oldestFirst.stream().map(Backup::id).toList(), null, null, true,
                    "deleted " + deletedAt + ", past its " + retentionDays + "-day retention: everything goes");
        }
        if (oldestFirst.isEmpty()) {
            return new RetentionPlan(List.of(), null, null, false, "no backup yet: nothing to expire");
        }
        Instant windowStart = (deletedAt == null ? now : deletedAt).minus(retention);
        int anchor = -1;
        for (int i = 0; i < oldestFirst.size(); i++) {
            if (!oldestFirst.get(i).completedAt().isAfter(windowStart)) {
                anchor = i;
            }
        }
        if (anchor <= 0) {
            Backup first = oldestFirst.get(0);
            return new RetentionPlan(List.of(), first.completedAt(), first.startWal(), false, anchor < 0
                    ? "every backup ended inside the window (from " + windowStart + "): all kept"
                    : "the oldest backup is the one restores at the window's start need: all kept");
        }
        List<UUID> expire = new ArrayList<>();
        for (int i = 0; i < anchor; i++) {
            expire.add(oldestFirst.get(i).id());
        }
        Backup kept = oldestFirst.get(anchor);
        return new RetentionPlan(expire, kept.completedAt(), kept.startWal(), false, expire.size()
                + " backup(s) older than the one that restores the window's start (" + windowStart + ") expire");
    }

    /** Whether an archived WAL file is no longer needed: before the first kept backup (history files always stay). */
    public boolean walExpired(String name) {
        if (purge) {
            return true;
        }
        if (keepWalFrom == null || WalNames.isHistory(name)) {
            return false;
        }
        return WalNames.position(name).compareTo(WalNames.position(keepWalFrom)) < 0;
    }
}
