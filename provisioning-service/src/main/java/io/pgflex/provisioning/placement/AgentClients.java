package io.pgflex.provisioning.placement;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.provisioning.ProvisioningConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A typed HTTPS client per node agent (the contract in {@link NodeAgentApi}), as provisioning-service (mutual TLS). */
@ApplicationScoped
public class AgentClients {
    private final ProvisioningConfig config;
    private final Map<String, NodeAgentApi> clients = new ConcurrentHashMap<>();

    private final io.quarkus.tls.TlsConfigurationRegistry tls;

    public AgentClients(ProvisioningConfig config, io.quarkus.tls.TlsConfigurationRegistry tls) {
        this.config = config;
        this.tls = tls;
    }

    /** The agents instances may be placed on (not a router-only agent). */
    public Set<String> agentIds() {
        return config.agents().entrySet().stream().filter(e -> e.getValue().instances()).map(java.util.Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    public String zone(String agentId) {
        return agent(agentId).zone();
    }

    public NodeAgentApi client(String agentId) {
        return clients.computeIfAbsent(agentId, id -> io.pgflex.support.agents.AgentClientFactory.client(agent(id).url(),
                io.pgflex.support.agents.AgentClientFactory.platformTls(tls), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(180)));
    }

    /** A client for calls that take as long as the data is large (restores). */
    public NodeAgentApi slowClient(String agentId) {
        return slowClients.computeIfAbsent(agentId, id -> io.pgflex.support.agents.AgentClientFactory.client(agent(id).url(),
                io.pgflex.support.agents.AgentClientFactory.platformTls(tls), java.time.Duration.ofSeconds(5), java.time.Duration.ofHours(6)));
    }

    private final java.util.Map<String, NodeAgentApi> slowClients = new java.util.concurrent.ConcurrentHashMap<>();

    private ProvisioningConfig.Agent agent(String agentId) {
        ProvisioningConfig.Agent agent = config.agents().get(agentId);
        if (agent == null) {
            throw new IllegalStateException("no node agent '" + agentId + "' is configured");
        }
        return agent;
    }
}
