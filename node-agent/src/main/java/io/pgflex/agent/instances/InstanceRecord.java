package io.pgflex.agent.instances;

/**
 * The content of {@code instances/<id>/instance.json}: what the agent must know to find and run an
 * instance again after a restart.
 */
public record InstanceRecord(String instanceId, String serverId, String subscriptionId, String role, int port,
                             String engineVersion, String desiredState) {
}
