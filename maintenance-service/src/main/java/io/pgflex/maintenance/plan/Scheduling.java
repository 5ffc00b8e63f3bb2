package io.pgflex.maintenance.plan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * When a due patch runs (pure): in the server's first window that starts at least the notice period after the patch
 * became known (the notice is the {@code MaintenanceScheduled} event), and for a server with a custom window at least
 * the rollout delay after the patch was published (system-managed servers go first, custom ones at least 7 days later,
 * as Azure orders it). A user's reschedule moves it within a limit.
 */
public final class Scheduling {
    private Scheduling() {
    }

    /** When, and why then. */
    public record Slot(Instant start, Instant end, String reason) {
    }

    /**
     * @param published    when the new minor became current (the rollout's start)
     * @param now          when the server was found due (its notice goes out now)
     * @param notice       the least time between the notice and the work (default 5 days)
     * @param customDelay  how much later than the rollout's start custom-window servers are patched (default 7 days)
     */
    public static Slot schedule(Window window, Instant published, Instant now, Duration notice, Duration customDelay, ZoneId zone) {
        Instant afterNotice = now.plus(notice);
        Instant earliest = afterNotice;
        String why = "the first window at least " + days(notice) + " after the notice";
        if (window.custom()) {
            Instant afterSystemManaged = published.plus(customDelay);
            if (afterSystemManaged.isAfter(earliest)) {
                earliest = afterSystemManaged;
                why = "the first window at least " + days(customDelay)
                        + " after the new minor was published (custom-window servers follow the system-managed ones)";
            }
        }
        Instant start = window.nextStart(earliest, zone);
        return new Slot(start, start.plus(Window.LENGTH), why + (window.custom() ? " (custom window)" : " (system-managed window)"));
    }

    /** Whether a user's new start time is taken, and why not. */
    public record Reschedule(boolean accepted, String reason) {
    }

    /**
     * A user moves an upcoming maintenance: to a time at least {@code lead} from now (the platform needs it to prepare,
     * and the notice must mean something) and no later than {@code limit} after the slot it was first given.
     */
    public static Reschedule reschedule(Instant requested, Instant firstScheduled, Instant now, Duration lead, Duration limit) {
        if (requested.isBefore(now.plus(lead))) {
            return new Reschedule(false, "the new start " + requested + " is less than " + lead.toHours() + " h from now");
        }
        Instant latest = firstScheduled.plus(limit);
        if (requested.isAfter(latest)) {
            return new Reschedule(false, "the new start " + requested + " is after " + latest + ", " + days(limit)
                    + " after the maintenance was first scheduled: a patch is postponed at most that long");
        }
        return new Reschedule(true, "moved to " + requested);
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days == 1 ? "1 day" : days + " days";
    }
}
