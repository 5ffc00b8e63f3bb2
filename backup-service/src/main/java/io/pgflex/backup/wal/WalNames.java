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
    /** WAL segment size (initdb's default; pgflex does not change it). */
    static final long SEGMENT_BYTES = 16L << 20;
    /** Segments per "log" (0x100000000 / segment size). */
    static final long SEGMENTS_PER_LOG = 0x100000000L / SEGMENT_BYTES;

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

    /** The segment names from {@code first} to {@code last} on first's timeline (at most 10,000). */
    public static List<String> segments(String first, String last) {
        List<String> out = new ArrayList<>();
        int tli = timeline(first);
        for (long n = number(first); n <= number(last) && out.size() < 10_000; n++) {
            out.add(name(tli, n));
        }
        return out;
    }

    /** The position (log and segment, as in {@link #position}) of the segment holding {@code lsn} ("X/Y"). */
    public static String positionOf(String lsn) {
        String[] parts = lsn.split("/");
        long bytes = (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
        return name(0, bytes / SEGMENT_BYTES).substring(8);
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
