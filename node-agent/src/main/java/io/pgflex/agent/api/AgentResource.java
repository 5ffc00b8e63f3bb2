package io.pgflex.agent.api;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.NodeAgentApi;

/** The node agent's HTTP API (contract in {@link NodeAgentApi}); every call needs the agent bearer token. */
public class AgentResource implements NodeAgentApi {
    static final String VERSION = "0.1.0";

    private final AgentConfig config;
    private final EngineCatalogue engines;
    private final InstanceStore instances;

    public AgentResource(AgentConfig config, EngineCatalogue engines, InstanceStore instances) {
        this.config = config;
        this.engines = engines;
        this.instances = instances;
    }

    @Override
    public AgentInfo info() {
        return new AgentInfo(config.id(), config.zone(), config.dataRoot().toAbsolutePath().toString(), VERSION,
                engines.engines(), instances.instanceIds().size());
    }
}
