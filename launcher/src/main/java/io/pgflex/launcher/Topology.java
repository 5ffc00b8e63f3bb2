package io.pgflex.launcher;

import java.util.List;
import java.util.Optional;

/**
 * Which node agents a platform has and how the services reach them and the broker: everything the
 * services' agent lists and the endpoint settings are rendered from.
 *
 * @param endpointHost       the name clients reach every server's stable endpoint at
 * @param endpointPortStart  the first endpoint port the router hands out (500 of them; PgBouncer: + 1000)
 * @param routerAgent        the id of the agent that runs the router
 */
public record Topology(List<AgentSpec> agents, String kafkaBootstrap, String endpointHost, int endpointPortStart,
                       String routerAgent) {
    /** Endpoints per router. */
    public static final int ENDPOINT_PORTS = 500;

    public Topology {
        agents = List.copyOf(agents);
        if (agents.stream().noneMatch(a -> a.id().equals(routerAgent) && a.router())) {
            throw new IllegalArgumentException("router agent " + routerAgent + " is not an agent with the router role");
        }
    }

    /** The agents instances are placed on (every one but a router-only agent). */
    public List<AgentSpec> instanceAgents() {
        return agents.stream().filter(AgentSpec::instances).toList();
    }

    public Optional<AgentSpec> agent(String id) {
        return agents.stream().filter(a -> a.id().equals(id)).findFirst();
    }
}
