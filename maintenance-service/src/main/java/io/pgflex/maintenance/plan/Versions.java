package io.pgflex.maintenance.plan;

/** Minor versions of one major (pure): whether a server is due for the current minor, and why. */
public final class Versions {
    private Versions() {
    }

    public record Due(boolean due, String reason) {
    }

    /**
     * @param running what the server runs, e.g. {@code 16.15} or {@code 16.15.0} (the engine bundles' numbering)
     * @param current the current minor of that major the platform operator published
     */
    public static Due due(String running, String current) {
        int[] r = parse(running);
        int[] c = parse(current);
        if (r[0] != c[0]) {
            return new Due(false, "a major upgrade is not a maintenance: " + running + " stays on major " + r[0]);
        }
        int cmp = compare(r, c);
        if (cmp < 0) {
            return new Due(true, running + " is older than the current minor " + current);
        }
        if (cmp > 0) {
            return new Due(false, running + " is newer than the current minor " + current + ": never downgraded");
        }
        return new Due(false, running + " is the current minor");
    }

    /** Whether {@code running} is {@code target} or newer, within one major ({@code 16.16.0} is {@code 16.16}). */
    public static boolean atLeast(String running, String target) {
        return compare(parse(running), parse(target)) >= 0;
    }

    static int[] parse(String v) {
        if (v == null || !v.matches("\\d+(\\.\\d+){1,2}")) {
            throw new IllegalArgumentException("not a PostgreSQL version (major.minor): " + v);
        }
        String[] p = v.split("\\.");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length > 2 ? Integer.parseInt(p[2]) : 0};
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
