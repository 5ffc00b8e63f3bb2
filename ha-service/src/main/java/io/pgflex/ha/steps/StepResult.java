package io.pgflex.ha.steps;

import io.pgflex.ha.servers.HaServer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a step of a failover or switchover came to: go on with the next step at once, run this step
 * again after a while, or done. {@code change} is written to the server's row together with the
 * step change, in one transaction.
 *
 * @param next   the step to record (null: the failover or switchover is over)
 * @param after  run again after this long (null: at once, when {@code next} is set)
 * @param reason what happened, for the log
 */
public record StepResult(FailoverStep next, Duration after, String reason, Consumer<HaServer> change) {

    public static StepResult next(FailoverStep next, String reason, Consumer<HaServer> change) {
        return new StepResult(next, null, reason, change);
    }

    public static StepResult retryAfter(FailoverStep same, Duration after, String reason) {
        return new StepResult(same, after, reason, r -> {
        });
    }

    public static StepResult done(String reason, Consumer<HaServer> change) {
        return new StepResult(null, null, reason, change);
    }

    /** Whether the runner goes on with the next step in the same cycle. */
    public boolean continues() {
        return next != null && after == null;
    }
}
