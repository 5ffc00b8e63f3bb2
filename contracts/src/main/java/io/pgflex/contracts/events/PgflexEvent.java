package io.pgflex.contracts.events;

/**
 * Common shape of every event payload. {@code operationId} is null when no long-running operation
 * caused the event. {@code version} is the payload schema version; readers accept equal or older.
 */
public interface PgflexEvent {
    String serverId();

    String subscriptionId();

    String operationId();

    int version();
}
