package io.pgflex.provisioning.operation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The instance spec a server's desired state asks of its node agent. */
final class InstanceSpecs {
    private InstanceSpecs() {
    }

    static InstanceSpec of(ServerEntity s, String operationId, ObjectMapper json) {
        return new InstanceSpec(operationId, s.id.toString(), s.subscriptionId, s.name, s.version, s.skuName, s.storageGb,
                s.adminLogin, s.adminPasswordVerifier, parameters(s, json),
                FirewallRuleEntity.ofServer(s.id).stream()
                        .map(r -> new InstanceSpec.FirewallRange(r.key.name, r.startIp, r.endIp)).toList(),
                s.publicNetworkAccess,
                ServerLifecycle.shouldRun(s.state) ? InstanceSpec.DesiredState.Running : InstanceSpec.DesiredState.Stopped);
    }

    static Map<String, String> parameters(ServerEntity s, ObjectMapper json) {
        try {
            Map<String, String> parameters = json.readValue(s.parameters, new TypeReference<Map<String, String>>() {
            });
            if (s.storageReadOnly) {
                // storage protection (Azure's behaviour): full storage turns the server read-only; a
                // session may still SET default_transaction_read_only = off to delete data
                parameters = new java.util.LinkedHashMap<>(parameters);
                parameters.put("default_transaction_read_only", "on");
            }
            return parameters;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
