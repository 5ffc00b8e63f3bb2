package io.pgflex.provisioning.operation;

import io.pgflex.contracts.agent.RouteStatus;
import java.time.Instant;

/**
 * Where a step stands that waits for the router to take in the route it published (stored as the operation's
 * checkpoint, so the step goes on from here after a crash or on another replica), and what the step's end needs of
 * the work done before it.
 *
 * @param generation    the route's generation the router must have (0: any)
 * @param routable      the endpoint must lead to the primary (the server runs and admits clients)
 * @param pgBouncer     and its PgBouncer port too
 * @param until         when to stop waiting (the operation then ends all the same: the router takes it in when it can)
 * @param elapsedMillis how long the step's own work took (an update's scaling time, in its event)
 * @param archivedUntil a stop: what the server archived before it stopped (restorable up to there)
 * @param restoredLsn   a restore: the LSN it replayed to (in RestoreCompleted)
 */
public record RouteWait(long generation, boolean routable, boolean pgBouncer, Instant until, long elapsedMillis,
                        Instant archivedUntil, String restoredLsn) {
    /** What to do now: the route is in (finish), waited long enough (finish all the same), or look again. */
    public enum Next { ROUTED, GIVE_UP, WAIT }

    public record Decision(Next next, String reason) {
    }

    /**
     * How long to wait before asking again, {@code now} being that long into the wait: 100 ms at first, growing with
     * the wait to 1 s (many operations waiting on a router that is down do not ask it ten times a second each).
     */
    public java.time.Duration pollAfter(java.time.Duration routerWait, Instant now) {
        long waited = Math.max(0, routerWait.toMillis() - java.time.Duration.between(now, until).toMillis());
        return java.time.Duration.ofMillis(Math.min(1000, Math.max(100, waited / 5)));
    }

    /** Pure: given what the router says (null: it did not answer) and the time, finish or look again. */
    public Decision decide(RouteStatus route, Instant now) {
        String why;
        if (route == null) {
            why = "the router agent did not answer";
        } else if (route.generation() < generation) {
            why = "the router has generation " + route.generation() + ", not yet " + generation;
        } else if (routable && !route.routable()) {
            why = "the endpoint leads nowhere yet: " + route.reason();
        } else if (pgBouncer && !route.pgBouncerRoutable()) {
            why = "the endpoint's PgBouncer port leads nowhere yet";
        } else {
            return new Decision(Next.ROUTED, "the router routes generation " + route.generation() + " as asked");
        }
        if (!now.isBefore(until)) {
            return new Decision(Next.GIVE_UP, "waited until " + until + " (" + why + "): the router takes it in when it can");
        }
        return new Decision(Next.WAIT, why);
    }
}
