package io.pgflex.contracts.agent;

import java.util.List;

/**
 * What a node agent says about itself: identity, zone label, data root and the engines it can run.
 *
 * @param checkPort the TCP port of its routers' agent-check (whether an instance is the primary)
 */
public record AgentInfo(String agentId, String zone, String dataRoot, String agentVersion, List<EngineInfo> engines,
                        int instanceCount, int checkPort) {
}
