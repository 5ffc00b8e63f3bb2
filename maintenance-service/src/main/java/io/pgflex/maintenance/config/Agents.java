package io.pgflex.maintenance.config;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.support.agents.AgentClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Clients of the node agents: quick ones for what they report, patient ones for a patch (a stop and a start). */
@ApplicationScoped
public class Agents {
    private final MaintenanceConfig config;
    private final io.quarkus.tls.TlsConfigurationRegistry tls;
    private final Map<String, NodeAgentApi> quick = new ConcurrentHashMap<>();
    private final Map<String, NodeAgentApi> patient = new ConcurrentHashMap<>();

    public Agents(MaintenanceConfig config, io.quarkus.tls.TlsConfigurationRegistry tls) {
        this.config = config;
        this.tls = tls;
    }

    public Set<String> ids() {
        return config.agents().keySet();
    }

    public NodeAgentApi quick(String agentId) {
        return quick.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    /** For a patch: a checkpoint, a stop and a start (and perhaps a second start, on the old binaries). */
    public NodeAgentApi patient(String agentId) {
        return patient.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofSeconds(5), Duration.ofMinutes(10)));
    }

    private String url(String agentId) {
        MaintenanceConfig.Agent a = config.agents().get(agentId);
        if (a == null) {
            throw new IllegalStateException("node agent " + agentId + " is not configured (pgflex.maintenance.agents)");
        }
        return a.url();
    }
}
