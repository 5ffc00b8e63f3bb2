package io.pgflex.ha;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.support.agents.AgentClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients of the node agents. Quick calls (leases, status, fencing) give up within about two
 * seconds, so a lost host never holds up a failover; long ones (clone, promote) may take minutes.
 */
@ApplicationScoped
public class Agents {
    private final HaConfig config;
    private final Map<String, NodeAgentApi> quick = new ConcurrentHashMap<>();
    private final Map<String, NodeAgentApi> slow = new ConcurrentHashMap<>();
    private final Map<String, NodeAgentApi> urgent = new ConcurrentHashMap<>();

    private final io.quarkus.tls.TlsConfigurationRegistry tls;

    public Agents(HaConfig config, io.quarkus.tls.TlsConfigurationRegistry tls) {
        this.config = config;
        this.tls = tls;
    }

    public Set<String> ids() {
        return config.agents().keySet();
    }

    public String zone(String agentId) {
        return agent(agentId).zone();
    }

    public String url(String agentId) {
        return agent(agentId).url();
    }

    public NodeAgentApi quick(String agentId) {
        return quick.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofMillis(1000), Duration.ofMillis(2500)));
    }

    /** For the failover's fence: an agent that does not answer within 0.7 s is taken as gone (it fences itself). */
    public NodeAgentApi urgent(String agentId) {
        return urgent.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofMillis(500), Duration.ofMillis(700)));
    }

    public NodeAgentApi slow(String agentId) {
        return slow.computeIfAbsent(agentId, id -> AgentClientFactory.client(url(id), AgentClientFactory.platformTls(tls),
                Duration.ofSeconds(5), Duration.ofMinutes(30)));
    }

    /** Whether an agent call failed because the instance is not there (404). */
    public static boolean notFound(RuntimeException e) {
        return e instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse() != null
                && w.getResponse().getStatus() == 404;
    }

    private HaConfig.Agent agent(String agentId) {
        HaConfig.Agent agent = config.agents().get(agentId);
        if (agent == null) {
            throw new IllegalStateException("no node agent '" + agentId + "' is configured");
        }
        return agent;
    }
}
