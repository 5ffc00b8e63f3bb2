package io.pgflex.maintenance.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Windows, notice and rescheduling (the deployment's time zone: UTC here). */
class SchedulingTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Duration NOTICE = Duration.ofDays(5);
    private static final Duration CUSTOM_DELAY = Duration.ofDays(7);
    /** A Monday. */
    private static final Instant MONDAY_NOON = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aWindowStartsAtItsNextOccurrenceNotBeforeTheGivenTime() {
        // Sunday 02:30 after Monday noon: the coming Sunday
        Window sunday = new Window(true, 0, 2, 30);
        assertEquals(Instant.parse("2026-12-13T02:30:00Z"), sunday.nextStart(MONDAY_NOON, UTC));
        // Monday 11:00 after Monday noon: next week's
        assertEquals(Instant.parse("2026-12-14T11:00:00Z"), new Window(true, 1, 11, 0).nextStart(MONDAY_NOON, UTC));
        // exactly at the start: that one
        assertEquals(MONDAY_NOON, new Window(true, 1, 12, 0).nextStart(MONDAY_NOON, UTC));
    }

    @Test
    void aStartThatDaylightSavingSkipsMovesOnlyThatDay() {
        // given a Sunday 02:30 window in Berlin, where 2026-03-29 02:00-03:00 does not exist
        Window sunday = new Window(true, 0, 2, 30);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // then that Sunday's start is just after the gap (03:30 CEST = 01:30 UTC)
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), sunday.nextStart(Instant.parse("2026-03-28T12:00:00Z"), berlin));
        // and the next week's is 02:30 again (00:30 UTC), not 03:30
        assertEquals(Instant.parse("2026-04-05T00:30:00Z"), sunday.nextStart(Instant.parse("2026-03-29T01:45:00Z"), berlin));
    }

    @Test
    void aStartThatDaylightSavingRepeatsIsTheEarlierOne() {
        // given a Sunday 01:30 window in New York, where 2026-11-01 01:00-02:00 happens twice
        Window sunday = new Window(true, 0, 1, 30);
        // then the first 01:30 (EDT, 05:30 UTC)
        assertEquals(Instant.parse("2026-11-01T05:30:00Z"),
                sunday.nextStart(Instant.parse("2026-10-31T12:00:00Z"), ZoneId.of("America/New_York")));
    }

    @Test
    void systemManagedWindowsSpreadAcrossTheWeeksNights() {
        Set<Window> slots = new HashSet<>();
        Set<DayOfWeek> days = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Window w = Window.systemManaged(UUID.nameUUIDFromBytes(("server-" + i).getBytes()));
            slots.add(w);
            days.add(DayOfWeek.of(w.dayOfWeek() == 0 ? 7 : w.dayOfWeek()));
        }
        assertEquals(7, days.size(), "every night of the week is used");
        assertTrue(slots.size() >= 40, "200 servers use at least 40 of the 56 night slots: " + slots.size());
    }

    @Test
    void aPatchWaitsForTheFirstWindowAfterTheNotice() {
        // given a system-managed window on Tuesdays 01:00, found due on Monday noon
        Scheduling.Slot slot = Scheduling.schedule(new Window(false, 2, 1, 0), MONDAY_NOON, MONDAY_NOON, NOTICE, CUSTOM_DELAY, UTC);
        // then not the Tuesday the day after (less than 5 days' notice) but the one after it
        assertEquals(Instant.parse("2026-12-15T01:00:00Z"), slot.start());
        assertEquals(Instant.parse("2026-12-15T02:00:00Z"), slot.end());
        assertEquals("the first window at least 5 days after the notice (system-managed window)", slot.reason());
    }

    @Test
    void aCustomWindowServerWaitsForTheSystemManagedWeekEvenWithNoticeGiven() {
        // given a custom window on Wednesdays 01:00 and the minor published and found due on Monday noon: the notice
        // alone would allow Wednesday 2026-12-16, the week of the system-managed servers ends Monday 2026-12-14 noon
        Scheduling.Slot slot = Scheduling.schedule(new Window(true, 3, 1, 0), MONDAY_NOON, MONDAY_NOON, Duration.ofDays(1),
                CUSTOM_DELAY, UTC);
        // then not Wednesday 2026-12-09 (after the 1-day notice) but 2026-12-16
        assertEquals(Instant.parse("2026-12-16T01:00:00Z"), slot.start());
    }

    @Test
    void aCustomWindowServerFollowsTheSystemManagedOnesByAWeek() {
        // given a custom window on Tuesdays 01:00, the minor published and found due on Monday noon
        Scheduling.Slot slot = Scheduling.schedule(new Window(true, 2, 1, 0), MONDAY_NOON, MONDAY_NOON, NOTICE, CUSTOM_DELAY, UTC);
        // then the first Tuesday at least 7 days after publishing
        assertEquals(Instant.parse("2026-12-15T01:00:00Z"), slot.start());
        assertEquals("the first window at least 7 days after the new minor was published (custom-window servers follow the "
                + "system-managed ones) (custom window)", slot.reason());
    }

    @Test
    void aServerFoundDueLateStillGetsItsFullNotice() {
        // given the minor published three weeks ago and a custom-window server found due only now
        Instant published = MONDAY_NOON.minus(Duration.ofDays(21));
        Scheduling.Slot slot = Scheduling.schedule(new Window(true, 2, 1, 0), published, MONDAY_NOON, NOTICE, CUSTOM_DELAY, UTC);
        assertEquals(Instant.parse("2026-12-15T01:00:00Z"), slot.start());
        assertEquals("the first window at least 5 days after the notice (custom window)", slot.reason());
    }

    private static final Scheduling.Limits LIMITS = new Scheduling.Limits(Duration.ofHours(1), Duration.ofDays(14), CUSTOM_DELAY, UTC);
    /** Tuesdays 01:00, system-managed. */
    private static final Window TUESDAY = new Window(false, 2, 1, 0);
    private static final Instant FIRST = Instant.parse("2026-12-15T01:00:00Z");

    @Test
    void aRescheduleToALaterStartOfTheWindowWithinTheLimitIsTaken() {
        Scheduling.Reschedule r = Scheduling.reschedule(TUESDAY, FIRST.plus(Duration.ofDays(7)), FIRST, MONDAY_NOON, MONDAY_NOON, LIMITS);
        assertTrue(r.accepted(), r.reason());
    }

    @Test
    void aRescheduleBeyondTheLimitIsRefusedSayingTheLimit() {
        Scheduling.Reschedule r = Scheduling.reschedule(TUESDAY, FIRST.plus(Duration.ofDays(21)), FIRST, MONDAY_NOON, MONDAY_NOON, LIMITS);
        assertFalse(r.accepted());
        assertEquals("the new start 2027-01-05T01:00:00Z is after 2026-12-29T01:00:00Z, 14 days after the maintenance was first "
                + "scheduled: a patch is postponed at most that long", r.reason());
    }

    @Test
    void aRescheduleTooSoonIsRefusedSayingHowSoon() {
        Scheduling.Reschedule r = Scheduling.reschedule(TUESDAY, MONDAY_NOON.plus(Duration.ofMinutes(10)), FIRST, MONDAY_NOON, MONDAY_NOON,
                LIMITS);
        assertFalse(r.accepted());
        assertEquals("the new start 2026-12-07T12:10:00Z is less than 1 h from now", r.reason());
    }

    @Test
    void aRescheduleOutsideTheServersWindowIsRefused() {
        Scheduling.Reschedule r = Scheduling.reschedule(TUESDAY, FIRST.plus(Duration.ofHours(5)), FIRST, MONDAY_NOON, MONDAY_NOON, LIMITS);
        assertFalse(r.accepted());
        assertEquals("the new start 2026-12-15T06:00:00Z is not a start of the server's maintenance window (next: 2026-12-22T01:00:00Z)",
                r.reason());
    }

    @Test
    void aCustomWindowServerCannotMoveAheadOfTheSystemManagedOnes() {
        Window custom = new Window(true, 2, 1, 0);
        Scheduling.Reschedule r = Scheduling.reschedule(custom, Instant.parse("2026-12-08T01:00:00Z"), FIRST, MONDAY_NOON, MONDAY_NOON,
                LIMITS);
        assertFalse(r.accepted());
        assertEquals("the new start 2026-12-08T01:00:00Z is before 2026-12-14T12:00:00Z: custom-window servers are patched at least "
                + "7 days after the system-managed ones begin", r.reason());
    }

    @Test
    void spansReadAsDaysOnlyWhenTheyAreWholeDays() {
        assertEquals("5 days", Scheduling.span(Duration.ofDays(5)));
        assertEquals("1 day", Scheduling.span(Duration.ofDays(1)));
        assertEquals("36 h", Scheduling.span(Duration.ofHours(36)));
        assertEquals("30 min", Scheduling.span(Duration.ofMinutes(30)));
    }
}
