package io.pgflex.maintenance.plan;

/**
 * The next step of patching one server to a new minor (pure), from what its instances run now. A server without HA
 * is patched in place (stop, new binaries, start: its one outage). An HA server keeps serving throughout but for one
 * planned switchover: the standby first, then — once it is synchronous again, so no acknowledged commit can be lost —
 * the switchover, then the old primary as the new standby. A failed step is rolled back to the old binaries and the
 * server keeps serving; the maintenance is tried again in the next window.
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
     * @param ha                whether the server has a standby
     * @param target            the minor being rolled out, e.g. 16.16
     * @param primaryVersion    what the primary runs
     * @param standbyVersion    what the standby runs (null without HA)
     * @param standbySynchronous whether the standby is streaming and synchronous
     * @param inWindow          whether the server's window is open now
     * @param applyNow          whether the user asked for the maintenance now
     * @param failure           why the last step failed (null: it did not)
     */
    public record State(boolean ha, String target, String primaryVersion, String standbyVersion, boolean standbySynchronous,
                        boolean inWindow, boolean applyNow, String failure) {
    }

    public static Step next(State s) {
        if (s.failure() != null) {
            return new Step(Action.ROLL_BACK, "the last step failed (" + s.failure()
                    + "): the instance goes back to its previous binaries and the server keeps serving; tried again in the next window");
        }
        boolean primaryDone = s.target().equals(s.primaryVersion());
        boolean standbyDone = !s.ha() || s.target().equals(s.standbyVersion());
        if (primaryDone && standbyDone) {
            return new Step(Action.DONE, "every instance runs " + s.target());
        }
        if (!s.inWindow() && !s.applyNow()) {
            return new Step(Action.WAIT_FOR_WINDOW, "nothing is patched outside the server's window unless the user asks to apply it now");
        }
        if (!s.ha()) {
            return new Step(Action.PATCH_IN_PLACE, "no standby to switch to: a fast checkpoint, a restart on " + s.target()
                    + " (the one outage)");
        }
        if (!standbyDone) {
            return new Step(Action.PATCH_STANDBY, primaryDone
                    ? "the old primary, now the standby, gets " + s.target() + " (the server serves from the patched primary)"
                    : "the standby first: the primary keeps serving on " + s.primaryVersion() + " while the standby restarts on "
                            + s.target());
        }
        if (!s.standbySynchronous()) {
            return new Step(Action.WAIT_FOR_SYNCHRONOUS_STANDBY,
                    "the patched standby must be synchronous again before the switchover, so no acknowledged commit is lost");
        }
        return new Step(Action.SWITCHOVER, "the standby runs " + s.target()
                + " and is synchronous: a planned switchover (writes pause only for it), then the old primary is patched");
    }
}
