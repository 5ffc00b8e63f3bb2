package io.pgflex.agent.api;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.instances.InstanceManager;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.smallrye.common.annotation.Blocking;
import java.util.List;

/** The node agent's HTTP API (contract in {@link NodeAgentApi}); every call needs the agent bearer token. */
@Blocking
public class AgentResource implements NodeAgentApi {
    static final String VERSION = "0.1.0";

    private final AgentConfig config;
    private final EngineCatalogue engines;
    private final InstanceStore instances;
    private final InstanceManager manager;

    public AgentResource(AgentConfig config, EngineCatalogue engines, InstanceStore instances, InstanceManager manager) {
        this.config = config;
        this.engines = engines;
        this.instances = instances;
        this.manager = manager;
    }

    @Override
    public AgentInfo info() {
        return new AgentInfo(config.id(), config.zone(), config.dataRoot().toAbsolutePath().toString(), VERSION,
                engines.engines(), instances.instanceIds().size());
    }

    @Override
    public InstanceStatus apply(String instanceId, InstanceSpec spec) {
        return manager.apply(instanceId, spec);
    }

    @Override
    public InstanceStatus get(String instanceId) {
        return manager.get(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
    }

    @Override
    public List<InstanceStatus> list() {
        return manager.list();
    }

    @Override
    public InstanceStatus restart(String instanceId) {
        return manager.restart(instanceId);
    }

    @Override
    public InstanceStatus delete(String instanceId) {
        return manager.delete(instanceId);
    }
}
