package io.pgflex.provisioning.operation;

import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;

/**
 * Whether a step's failure ends the operation or is tried again, and after how long: a failure retrying cannot fix
 * (the step said so, or the node agent refused the request as invalid) fails at once; anything else (an agent that
 * does not answer, a conflict, a busy agent) is retried with a backoff growing to 30 s, until the attempts run out.
 * Pure.
 */
public final class FailurePolicy {
    private FailurePolicy() {
    }

    /** A failure that retrying cannot fix, with its ARM error code. */
    static final class Permanent extends RuntimeException {
        final String code;

        Permanent(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    public enum Action { FAIL, RETRY }

    public record Decision(Action action, String code, Duration backoff, String reason) {
    }

    /** Whether {@code e} can be fixed by trying again: null when it can, else the error code it fails with. */
    public static String permanentCode(RuntimeException e) {
        if (e instanceof Permanent p) {
            return p.code;
        }
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse() == null ? 500 : web.getResponse().getStatus();
            if (status >= 400 && status < 500 && status != 409 && status != 429) {
                return "InstanceRequestRejected";
            }
        }
        return null;
    }

    /**
     * @param permanentCode from {@link #permanentCode}: non-null fails at once
     * @param attempts      the attempts that failed so far, this one included
     * @param maxAttempts   how many attempts an operation gets
     */
    public static Decision decide(String permanentCode, int attempts, int maxAttempts) {
        if (permanentCode != null) {
            return new Decision(Action.FAIL, permanentCode, Duration.ZERO, "retrying cannot fix it");
        }
        if (attempts >= maxAttempts) {
            return new Decision(Action.FAIL, "OperationFailed", Duration.ZERO,
                    "attempt " + attempts + " of " + maxAttempts + " failed: no attempt left");
        }
        Duration backoff = Duration.ofMillis(Math.min(30_000, 1_000L << Math.min(attempts, 5)));
        return new Decision(Action.RETRY, null, backoff, "attempt " + attempts + " of " + maxAttempts + " failed: tried again in "
                + backoff.toMillis() + " ms");
    }
}
