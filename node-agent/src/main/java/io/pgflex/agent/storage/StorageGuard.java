package io.pgflex.agent.storage;

/**
 * The hard stop behind storage protection, as a pure decision. Read-only at the Full level (95 %,
 * provisioning's decision) is a session default that a tenant may lift to delete data, as on Azure;
 * what a session cannot lift is this: a primary whose data directory reaches its provisioned size
 * admits no tenant connection at all (pg_hba, and its tenant sessions are ended), so one tenant
 * cannot fill the disk that the host's other servers share. Tenants get in again once the storage
 * grows (or usage falls under {@link #RESUME_PERCENT}).
 */
public final class StorageGuard {
    /**
     * Under this share of the limit (or 2 points under the limit, if that is lower) a blocked server
     * admits tenants again: no flapping at the edge.
     */
    public static final double RESUME_PERCENT = 98.0;

    private StorageGuard() {
    }

    public enum Action {
        BLOCK, UNBLOCK, NONE
    }

    public record Decision(Action action, String reason) {
    }

    /**
     * @param usedBytes    the data directory's size now (WAL included)
     * @param limitBytes   the provisioned storage; 0 or less: unknown (never blocks)
     * @param limitPercent the share of the limit at which tenants are stopped (100: the limit itself)
     * @param primary      whether the instance takes writes (a standby only follows its primary)
     * @param blocked      whether tenants are stopped now
     */
    public static Decision decide(long usedBytes, long limitBytes, double limitPercent, boolean primary, boolean blocked) {
        if (limitBytes <= 0) {
            return blocked ? new Decision(Action.UNBLOCK, "no storage limit known: tenants admitted")
                    : new Decision(Action.NONE, "no storage limit known");
        }
        double percent = 100.0 * usedBytes / limitBytes;
        String use = String.format(java.util.Locale.ROOT, "%d of %d bytes (%.1f %%)", usedBytes, limitBytes, percent);
        if (!primary) {
            return blocked ? new Decision(Action.UNBLOCK, "a standby takes no writes: tenants admitted (" + use + ")")
                    : new Decision(Action.NONE, "a standby takes no writes (" + use + ")");
        }
        if (!blocked && percent >= limitPercent) {
            return new Decision(Action.BLOCK, "storage used " + use + " reached the limit: tenant connections refused and"
                    + " ended until the storage grows");
        }
        double resume = Math.min(RESUME_PERCENT, limitPercent - 2);
        if (blocked && percent < resume) {
            return new Decision(Action.UNBLOCK, "storage used " + use + " is under " + resume + " % of the limit again:"
                    + " tenants admitted");
        }
        return new Decision(Action.NONE, blocked ? "storage used " + use + ": still at the limit, tenants stay refused"
                : "storage used " + use + ": under the limit");
    }
}
