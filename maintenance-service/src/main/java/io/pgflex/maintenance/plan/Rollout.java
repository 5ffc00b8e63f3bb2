package io.pgflex.maintenance.plan;

/**
 * The next step of patching one server to a new minor (pure), from what its instances run now. A server without HA
 * is patched in place (stop, new binaries, start: its one outage). An HA server keeps serving throughout but for one
 * planned switchover: the standby first, then — once it is synchronous again, so no acknowledged commit can be lost —
 * the switchover, then the old primary as the new standby (even if the window has closed by then: a standby older than
 * its primary may not replay its WAL). A failed step is rolled back to the old binaries and the server keeps serving;
 * the maintenance is tried again in the next window, not in this one.
 */
public final class Rollout {
    private Rollout() {
    }

    public enum Action {
        WAIT_FOR_WINDOW, PATCH_IN_PLACE, PATCH_STANDBY, WAIT_FOR_SYNCHRONOUS_STANDBY, SWITCHOVER, ROLL_BACK, DONE
    }

    public record Step(Action action, String reason) {
    }

    /**
     * @param ha                 whether the server has a standby
     * @param target             the minor being rolled out, e.g. 16.16
     * @param primaryVersion     what the primary runs
     * @param standbyVersion     what the standby runs (null without HA)
     * @param standbySynchronous whether the standby is streaming and synchronous
     * @param syncWaitExpired    whether the patched standby has been waited for longer than the limit
     * @param inWindow           whether the server's window is open now
     * @param applyNow           whether the user asked for the maintenance now
     * @param failedThisWindow   whether a step failed and was rolled back in the window that is open now
     * @param failure            why the last step failed (null: it did not)
     */
    public record State(boolean ha, String target, String primaryVersion, String standbyVersion, boolean standbySynchronous,
                        boolean syncWaitExpired, boolean inWindow, boolean applyNow, boolean failedThisWindow, String failure) {
    }

    public static Step next(State s) {
        if (s.failure() != null) {
            return new Step(Action.ROLL_BACK, "the last step failed (" + s.failure()
                    + "): the instance it patched goes back to its previous binaries and the server keeps serving; tried again in the next window");
        }
        boolean primaryDone = Versions.atLeast(s.primaryVersion(), s.target());
        boolean standbyDone = !s.ha() || Versions.atLeast(s.standbyVersion(), s.target());
        if (primaryDone && standbyDone) {
            return new Step(Action.DONE, "every instance runs " + s.target() + " or newer");
        }
        if (s.ha() && primaryDone) {
            return new Step(Action.PATCH_STANDBY, "the old primary, now the standby, gets " + s.target()
                    + " (the server serves from the patched primary; done even if the window closed, since a standby older than its"
                    + " primary may not replay its WAL)");
        }
        if (s.failedThisWindow() && !s.applyNow()) {
            return new Step(Action.WAIT_FOR_WINDOW, "a step failed and was rolled back in this window: tried again in the next one");
        }
        if (!s.inWindow() && !s.applyNow()) {
            return new Step(Action.WAIT_FOR_WINDOW, "nothing is patched outside the server's window unless the user asks to apply it now");
        }
        if (!s.ha()) {
            return new Step(Action.PATCH_IN_PLACE, "no standby to switch to: a fast checkpoint, a restart on " + s.target()
                    + " (the one outage)");
        }
        if (!standbyDone) {
            return new Step(Action.PATCH_STANDBY, "the standby first: the primary keeps serving on " + s.primaryVersion()
                    + " while the standby restarts on " + s.target());
        }
        if (!s.standbySynchronous()) {
            if (s.syncWaitExpired()) {
                return new Step(Action.ROLL_BACK, "the patched standby did not become synchronous in time: it goes back to "
                        + s.primaryVersion() + " and the maintenance is tried again in the next window");
            }
            return new Step(Action.WAIT_FOR_SYNCHRONOUS_STANDBY,
                    "the patched standby must be synchronous again before the switchover, so no acknowledged commit is lost");
        }
        return new Step(Action.SWITCHOVER, "the standby runs " + s.target()
                + " and is synchronous: a planned switchover (writes pause only for it), then the old primary is patched");
    }
}
