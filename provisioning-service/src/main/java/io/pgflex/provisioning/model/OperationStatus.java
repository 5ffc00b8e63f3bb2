package io.pgflex.provisioning.model;

/** ARM's operation status values. */
public enum OperationStatus {
    InProgress, Succeeded, Failed, Canceled;

    public boolean done() {
        return this != InProgress;
    }
}
