package io.pgflex.ha.servers;

import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Keeps ha-service's view of servers current from pgflex.servers, each event applied exactly once. */
@ApplicationScoped
public class ServerEventsListener {
    private static final Logger LOG = Logger.getLogger(ServerEventsListener.class);

    private final EventConsumer consumer;
    private final Clock clock;

    public ServerEventsListener(EventConsumer consumer, Clock clock) {
        this.consumer = consumer;
        this.clock = clock;
    }

    @Incoming("servers")
    @Blocking
    public void onServerEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        UUID serverId = UUID.fromString(event.payload().serverId());
        HaServer server = HaServer.findById(serverId);
        if (event.payload() instanceof ServerRequested requested) {
            if (server == null) {
                server = new HaServer();
                server.serverId = serverId;
                server.subscriptionId = requested.subscriptionId();
                server.name = requested.name();
                server.haMode = requested.haMode() == null ? "Disabled" : requested.haMode();
                server.haState = HaState.NotEnabled;
                server.updatedAt = clock.instant();
                server.persist();
            }
        } else if (event.payload() instanceof ServerDeleted && server != null) {
            server.delete();
            LOG.infof("server %s deleted: no longer tracked", serverId);
            return;
        }
        if (server != null) {
            server.eventsHandled++;
            server.lastEventType = event.type().ceType();
            server.updatedAt = clock.instant();
        }
    }
}
