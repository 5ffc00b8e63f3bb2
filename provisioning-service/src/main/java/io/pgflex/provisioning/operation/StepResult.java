package io.pgflex.provisioning.operation;

import java.time.Duration;

/** How a run of an operation's step ended: the operation is done, goes on later, or failed for good. */
public sealed interface StepResult {
    /** The operation ended (its status was written by the step). */
    record Done() implements StepResult {
    }

    /**
     * Not finished, nothing wrong: run the step again after {@code after} (no worker waits meanwhile); {@code step}, when
     * not null, is what the operation's status shows until then.
     */
    record Later(Duration after, String step) implements StepResult {
    }

    /** Ends the operation as Failed with this ARM error, without another attempt. */
    record Fail(String code, String message) implements StepResult {
    }

    static StepResult done() {
        return new Done();
    }
}
