package io.pgflex.maintenance.plan;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.UUID;

/**
 * A server's weekly maintenance window, one hour long: custom (the user's day and start) or system-managed (pgflex's
 * pick, between 23:00 and 07:00 in the deployment's time zone, spread across servers and stable for a server). Pure.
 *
 * @param dayOfWeek Azure's numbering: 0 = Sunday … 6 = Saturday
 */
public record Window(boolean custom, int dayOfWeek, int startHour, int startMinute) {
    public static final java.time.Duration LENGTH = java.time.Duration.ofHours(1);
    /** The night hours a system-managed window may start at: 23:00 … 06:00, so it ends by 07:00. */
    private static final int[] NIGHT_STARTS = {23, 0, 1, 2, 3, 4, 5, 6};

    public Window {
        if (dayOfWeek < 0 || dayOfWeek > 6) {
            throw new IllegalArgumentException("dayOfWeek is 0 (Sunday) to 6 (Saturday), not " + dayOfWeek);
        }
        if (startHour < 0 || startHour > 23) {
            throw new IllegalArgumentException("startHour is 0 to 23, not " + startHour);
        }
        if (startMinute < 0 || startMinute > 59) {
            throw new IllegalArgumentException("startMinute is 0 to 59, not " + startMinute);
        }
    }

    /**
     * pgflex's pick for a server without a custom window: a day and a night hour derived from its id, so servers
     * spread over the 56 night slots of a week and a server keeps its slot.
     */
    public static Window systemManaged(UUID serverId) {
        int slot = Math.floorMod(serverId.hashCode() * 31 + Long.hashCode(serverId.getLeastSignificantBits()), 7 * NIGHT_STARTS.length);
        return new Window(false, slot / NIGHT_STARTS.length, NIGHT_STARTS[slot % NIGHT_STARTS.length], 0);
    }

    /**
     * The first start of this window at or after {@code notBefore}, in {@code zone}. Built from the local date each
     * week, so a start that a daylight-saving change skips that day moves to just after the gap on that day only, and
     * one the change repeats is the earlier of the two.
     */
    public Instant nextStart(Instant notBefore, ZoneId zone) {
        ZonedDateTime from = notBefore.atZone(zone);
        DayOfWeek day = DayOfWeek.of(dayOfWeek == 0 ? 7 : dayOfWeek);
        LocalDate date = from.toLocalDate().with(TemporalAdjusters.nextOrSame(day));
        LocalTime start = LocalTime.of(startHour, startMinute);
        ZonedDateTime candidate = ZonedDateTime.ofLocal(date.atTime(start), zone, null);
        if (candidate.isBefore(from)) {
            candidate = ZonedDateTime.ofLocal(date.plusWeeks(1).atTime(start), zone, null);
        }
        return candidate.toInstant();
    }
}
