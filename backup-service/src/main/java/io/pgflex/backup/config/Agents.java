package io.pgflex.backup.config;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.support.agents.AgentClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Clients of the node agents: quick ones for status calls, slow ones for restores that take as long as they take. */
@ApplicationScoped
public class Agents {
    private final BackupServiceConfig config;
    private final Map<String, NodeAgentApi> quick = new ConcurrentHashMap<>();
    private final Map<String, NodeAgentApi> slow = new ConcurrentHashMap<>();

    private final io.quarkus.tls.TlsConfigurationRegistry tls;

    public Agents(BackupServiceConfig config, io.quarkus.tls.TlsConfigurationRegistry tls) {
        this.config = config;
        this.tls = tls;
    }

    public NodeAgentApi quick(String agentId) {
        return quick.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    public NodeAgentApi slow(String agentId) {
        return slow.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofSeconds(5), Duration.ofHours(6)));
    }

    private String url(String agentId) {
        BackupServiceConfig.Agent a = config.agents().get(agentId);
        if (a == null) {
            throw new IllegalStateException("node agent " + agentId + " is not configured (pgflex.backup-service.agents)");
        }
        return a.url();
    }
}
