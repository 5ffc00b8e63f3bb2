package io.pgflex.contracts.events;

import java.time.Instant;

/** An instance's state as its node agent sees it, every second. Topic {@link Topics#AGENT_HEARTBEATS}. */
public record InstanceHeartbeat(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String agentId,
        String instanceId,
        String role,
        String health,
        String lsn,
        long replayLagBytes,
        Instant observedAt) implements PgflexEvent {
    public static final int VERSION = 1;
}
