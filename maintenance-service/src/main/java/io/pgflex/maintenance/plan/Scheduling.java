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
        String why = "the first window at least " + span(notice) + " after the notice";
        if (window.custom()) {
            Instant afterSystemManaged = published.plus(customDelay);
            if (afterSystemManaged.isAfter(earliest)) {
                earliest = afterSystemManaged;
                why = "the first window at least " + span(customDelay)
                        + " after the new minor was published (custom-window servers follow the system-managed ones)";
            }
        }
        Instant start = window.nextStart(earliest, zone);
        return new Slot(start, start.plus(Window.LENGTH), why + (window.custom() ? " (custom window)" : " (system-managed window)"));
    }

    /** Whether a user's new start time is taken, and why not. */
    public record Reschedule(boolean accepted, String reason) {
    }

    /** What bounds a reschedule: how soon, how late, how much later custom-window servers go, the time zone. */
    public record Limits(Duration lead, Duration limit, Duration customDelay, ZoneId zone) {
    }

    /**
     * A user moves an upcoming maintenance to another start of the server's window: at least {@code lead} from now (the
     * platform needs it to prepare), no later than {@code limit} after the slot it was first given, and for a
     * custom-window server not before the system-managed servers' week is over.
     */
    public static Reschedule reschedule(Window window, Instant requested, Instant firstScheduled, Instant published, Instant now,
                                        Limits limits) {
        if (requested.isBefore(now.plus(limits.lead()))) {
            return new Reschedule(false, "the new start " + requested + " is less than " + span(limits.lead()) + " from now");
        }
        Instant latest = firstScheduled.plus(limits.limit());
        if (requested.isAfter(latest)) {
            return new Reschedule(false, "the new start " + requested + " is after " + latest + ", " + span(limits.limit())
                    + " after the maintenance was first scheduled: a patch is postponed at most that long");
        }
        if (window.custom() && requested.isBefore(published.plus(limits.customDelay()))) {
            return new Reschedule(false, "the new start " + requested + " is before " + published.plus(limits.customDelay())
                    + ": custom-window servers are patched at least " + span(limits.customDelay()) + " after the system-managed ones begin");
        }
        if (!window.nextStart(requested, limits.zone()).equals(requested)) {
            return new Reschedule(false, "the new start " + requested + " is not a start of the server's maintenance window (next: "
                    + window.nextStart(requested, limits.zone()) + ")");
        }
        return new Reschedule(true, "moved to " + requested);
    }

    /** "5 days", "1 day", or hours and minutes when not whole days ("36 h", "30 min"). */
    static String span(Duration d) {
        if (!d.isZero() && d.toHours() % 24 == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            long days = d.toDays();
            return days == 1 ? "1 day" : days + " days";
        }
        if (d.toMinutesPart() == 0 && d.toHours() > 0) {
            return d.toHours() + " h";
        }
        return d.toMinutes() + " min";
    }
}
