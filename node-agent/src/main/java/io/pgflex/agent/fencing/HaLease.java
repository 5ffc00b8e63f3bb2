package io.pgflex.agent.fencing;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.ReplicationState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When ha-service last confirmed each instance's role (every ReplicationSpec it sends does). A
 * synchronous primary that has heard neither from ha-service nor from its standby for the isolation
 * timeout is isolated: it may have been failed over, so it stops serving (the routers' agent-check
 * says down) and fences itself; and the agent does not start a stopped one again before ha-service
 * has confirmed it is still the primary. In memory only: after an agent restart nothing is confirmed
 * until ha-service's next call (within a probe interval), so a host that comes back after a
 * failover does not start its old primary.
 */
@ApplicationScoped
public class HaLease {
    private final Map<String, Long> confirmed = new ConcurrentHashMap<>();
    private final long timeoutNanos;

    public HaLease(AgentConfig config) {
        this.timeoutNanos = config.isolationTimeout().toNanos();
    }

    public void confirm(String instanceId) {
        confirmed.put(instanceId, System.nanoTime());
    }

    public void forget(String instanceId) {
        confirmed.remove(instanceId);
    }

    /** Whether ha-service confirmed the instance's role within the isolation timeout. */
    public boolean fresh(String instanceId) {
        Long at = confirmed.get(instanceId);
        return at != null && System.nanoTime() - at < timeoutNanos;
    }

    public long timeoutMillis() {
        return timeoutNanos / 1_000_000;
    }

    /** Whether a synchronous primary is cut off: no word from ha-service and no live standby. */
    public boolean isolated(String instanceId, ReplicationState state, boolean liveStandby) {
        return state != null && state.synchronousPrimary() && !fresh(instanceId) && !liveStandby;
    }

    /** Whether the agent may start the instance on its own (after a crash or a host restart). */
    public boolean mayStart(String instanceId, ReplicationState state) {
        return state == null || !state.synchronousPrimary() || fresh(instanceId);
    }
}
