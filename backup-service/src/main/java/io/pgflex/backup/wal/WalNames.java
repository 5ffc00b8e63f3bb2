package io.pgflex.backup.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * WAL file names: {@code TTTTTTTTLLLLLLLLSSSSSSSS} (timeline, log, segment of 16 MiB segments),
 * optionally {@code .partial} or {@code .XXXXXXXX.backup}; {@code TTTTTTTT.history} for timelines.
 * Positions compare across timelines (log and segment only), which is what retention and the
 * continuity check need.
 */
public final class WalNames {
    /** Segments per "log" with 16 MiB segments (0x100000000 / 16 MiB). */
    static final long SEGMENTS_PER_LOG = 256;

    private WalNames() {
    }

    public static boolean isHistory(String name) {
        return name.endsWith(".history");
    }

    /** The 16 hex digits of log and segment: equal positions are the same stretch of WAL on any timeline. */
    public static String position(String name) {
        return name.substring(8, 24);
    }

    public static int timeline(String name) {
        return Integer.parseInt(name.substring(0, 8), 16);
    }

    static long number(String name) {
        return Long.parseLong(name.substring(8, 16), 16) * SEGMENTS_PER_LOG + Long.parseLong(name.substring(16, 24), 16);
    }

    static String name(int timeline, long number) {
        return String.format("%08X%08X%08X", timeline, number / SEGMENTS_PER_LOG, number % SEGMENTS_PER_LOG);
    }

    /** A full segment (not a partial, history or backup-history file). */
    public static boolean isSegment(String name) {
        return name.matches("[0-9A-F]{24}");
    }

    /**
     * Segments missing between {@code from} (a backup's first segment) and the newest archived one:
     * every position must be archived on some timeline (after a failover the new timeline carries
     * on from the switch point; the old one's last segment is only a .partial). At most 20 reported.
     */
    public static List<String> gaps(String from, List<String> archived) {
        TreeMap<Long, Integer> present = new TreeMap<>();
        for (String n : archived) {
            if (isSegment(n)) {
                present.merge(number(n), timeline(n), Math::max);
            }
        }
        List<String> gaps = new ArrayList<>();
        if (present.isEmpty()) {
            gaps.add(from);
            return gaps;
        }
        long start = number(from);
        int tli = timeline(from);
        for (long n = start; n <= present.lastKey() && gaps.size() < 20; n++) {
            Integer t = present.get(n);
            if (t == null) {
                gaps.add(name(tli, n));
            } else {
                tli = t;
            }
        }
        return gaps;
    }
}
