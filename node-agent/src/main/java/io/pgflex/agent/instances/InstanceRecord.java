package io.pgflex.agent.instances;

import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;

/**
 * The content of {@code instances/<id>/instance.json}: what the agent must know to find and run an
 * instance again after a restart. The spec is kept without the admin password verifier.
 */
public record InstanceRecord(String instanceId, String serverId, String subscriptionId, String role, int port,
                             String engineVersion, InstanceState state, InstanceSpec spec, String message) {

    /** The spec as kept on disk: without the admin password's verifier (it goes into PostgreSQL only). */
    public static InstanceSpec withoutSecret(InstanceSpec s) {
        return new InstanceSpec(s.operationId(), s.serverId(), s.subscriptionId(), s.serverName(), s.engineVersion(),
                s.skuName(), s.storageSizeGb(), s.adminLogin(), null, s.parameters(), s.firewallRules(),
                s.publicNetworkAccess(), s.desiredState());
    }

    public InstanceRecord with(InstanceState newState, String newMessage) {
        return new InstanceRecord(instanceId, serverId, subscriptionId, role, port, engineVersion, newState, spec, newMessage);
    }

    public InstanceRecord withSpec(InstanceSpec newSpec, String newEngineVersion) {
        return new InstanceRecord(instanceId, serverId, subscriptionId, role, port, newEngineVersion, state, newSpec, message);
    }
}
