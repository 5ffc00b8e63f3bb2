package io.pgflex.provisioning.placement;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.provisioning.ProvisioningConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A typed HTTP client per node agent (the contract in {@link NodeAgentApi}), carrying the agent bearer token. */
@ApplicationScoped
public class AgentClients {
    private final ProvisioningConfig config;
    private final Map<String, NodeAgentApi> clients = new ConcurrentHashMap<>();

    public AgentClients(ProvisioningConfig config) {
        this.config = config;
    }

    public Set<String> agentIds() {
        return config.agents().keySet();
    }

    public String zone(String agentId) {
        return agent(agentId).zone();
    }

    public NodeAgentApi client(String agentId) {
        return clients.computeIfAbsent(agentId, id -> {
            String token = config.agentToken();
            ClientRequestFilter auth = request -> request.getHeaders().putSingle("Authorization", "Bearer " + token);
            return QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create(agent(id).url()))
                    .connectTimeout(5, TimeUnit.SECONDS)
                    .readTimeout(180, TimeUnit.SECONDS)
                    .register(auth)
                    .build(NodeAgentApi.class);
        });
    }

    private ProvisioningConfig.Agent agent(String agentId) {
        ProvisioningConfig.Agent agent = config.agents().get(agentId);
        if (agent == null) {
            throw new IllegalStateException("no node agent '" + agentId + "' is configured");
        }
        return agent;
    }
}
