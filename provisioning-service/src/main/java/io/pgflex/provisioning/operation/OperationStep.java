package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationEntity;

/**
 * The steps of one operation kind. Every step can run again: the agent commands are idempotent and each step first
 * looks at what is recorded (placement, instance), so an operation resumed after a crash simply goes on. State changes
 * and their events commit together; the operation's status is written through {@link OperationLedger} only.
 */
public interface OperationStep {
    /**
     * Carries the operation out as far as it can now: done, later (it waits for something; no worker blocks, the step
     * runs again and goes on from its checkpoint), or failed for good. An exception is judged by {@link FailurePolicy}.
     */
    StepResult run(OperationEntity op);
}
