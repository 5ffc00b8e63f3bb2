package io.pgflex.agent.heartbeat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.events.DirectEvents;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.contracts.events.InstanceHeartbeat;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes an InstanceHeartbeat for every instance of this host each interval. Heartbeats are
 * observations, not state changes, so they go straight to Kafka (no outbox): a lost one is
 * superseded a second later.
 */
@ApplicationScoped
public class HeartbeatPublisher {
    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

    private final Emitter<byte[]> emitter;
    private final InstanceStore store;
    private final AgentConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public HeartbeatPublisher(@Channel("heartbeats") Emitter<byte[]> emitter, InstanceStore store, AgentConfig config,
                              ObjectMapper json, Clock clock) {
        this.emitter = emitter;
        this.store = store;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.agent.heartbeat-interval:1s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        for (InstanceRecord instance : store.records()) {
            String health = store.running(instance.instanceId()) ? "Running" : "Stopped";
            InstanceHeartbeat heartbeat = new InstanceHeartbeat(instance.serverId(), instance.subscriptionId(), null,
                    InstanceHeartbeat.VERSION, config.id(), instance.instanceId(), store.role(instance), health, null, 0,
                    clock.instant());
            send(heartbeat);
        }
    }

    private void send(InstanceHeartbeat heartbeat) {
        try {
            emitter.send(DirectEvents.message(heartbeat, config.id(), heartbeat.observedAt(), json));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debugf("heartbeat of %s not sent: %s", heartbeat.instanceId(), e.getMessage());
        }
    }
}
