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
    void aSystemManagedWindowIsAtNightAndStableForAServer() {
        UUID server = UUID.fromString("8a3f3c4e-0d7b-4b8e-9a55-0c3f1c2d9e11");
        Window w = Window.systemManaged(server);
        assertFalse(w.custom());
        assertTrue(w.startHour() >= 23 || w.startHour() <= 6, "starts between 23:00 and 06:00, ends by 07:00: " + w);
        assertEquals(w, Window.systemManaged(server));
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

    @Test
    void aRescheduleWithinTheLimitIsTaken() {
        Instant first = Instant.parse("2026-12-15T01:00:00Z");
        Scheduling.Reschedule r = Scheduling.reschedule(first.plus(Duration.ofDays(7)), first, MONDAY_NOON, Duration.ofHours(1),
                Duration.ofDays(14));
        assertTrue(r.accepted(), r.reason());
    }

    @Test
    void aRescheduleBeyondTheLimitIsRefusedSayingTheLimit() {
        Instant first = Instant.parse("2026-12-15T01:00:00Z");
        Scheduling.Reschedule r = Scheduling.reschedule(first.plus(Duration.ofDays(15)), first, MONDAY_NOON, Duration.ofHours(1),
                Duration.ofDays(14));
        assertFalse(r.accepted());
        assertEquals("the new start 2026-12-30T01:00:00Z is after 2026-12-29T01:00:00Z, 14 days after the maintenance was first "
                + "scheduled: a patch is postponed at most that long", r.reason());
    }

    @Test
    void aRescheduleIntoThePastOrTooSoonIsRefused() {
        Instant first = Instant.parse("2026-12-15T01:00:00Z");
        Scheduling.Reschedule r = Scheduling.reschedule(MONDAY_NOON.plus(Duration.ofMinutes(10)), first, MONDAY_NOON, Duration.ofHours(1),
                Duration.ofDays(14));
        assertFalse(r.accepted());
        assertEquals("the new start 2026-12-07T12:10:00Z is less than 1 h from now", r.reason());
    }
}
