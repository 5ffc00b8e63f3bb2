package io.pgflex.ha.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.InstanceHeartbeat;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The node agents' heartbeats (pgflex.agent-heartbeats, every second): when each agent was last
 * heard from, and each instance's last report. Observations only: kept in memory, read from the
 * newest offset; a failover decision tells "host lost" from "PostgreSQL down on a live host" by them.
 */
@ApplicationScoped
public class Heartbeats {
    private final ObjectMapper json;
    private final Map<String, Long> agents = new ConcurrentHashMap<>();
    private final Map<String, InstanceHeartbeat> instances = new ConcurrentHashMap<>();

    public Heartbeats(ObjectMapper json) {
        this.json = json;
    }

    @Incoming("heartbeats")
    public void onHeartbeat(ConsumerRecord<String, byte[]> record) {
        try {
            InstanceHeartbeat beat = json.readValue(record.value(), InstanceHeartbeat.class);
            agents.put(beat.agentId(), System.nanoTime());
            instances.put(beat.instanceId(), beat);
        } catch (java.io.IOException | RuntimeException e) {
            // a heartbeat that cannot be read is superseded by the next one a second later
        }
    }

    /** Whether the agent sent a heartbeat within {@code within}. */
    public boolean alive(String agentId, Duration within) {
        Long at = agents.get(agentId);
        return at != null && System.nanoTime() - at < within.toNanos();
    }

    /** The instance's last heartbeat, or null. */
    public InstanceHeartbeat last(String instanceId) {
        return instanceId == null ? null : instances.get(instanceId);
    }
}
