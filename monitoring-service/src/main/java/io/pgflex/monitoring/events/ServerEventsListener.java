package io.pgflex.monitoring.events;

import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.monitoring.MonitoringConfig;
import io.pgflex.monitoring.alerts.AlertRule;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps {@link MonitoredServer} rows in step with the servers (pgflex.servers, once per event). A
 * deleted server's row stays, marked, so its metrics and rules age out with the retention.
 */
@ApplicationScoped
public class ServerEventsListener {
    private final EventConsumer consumer;
    private final MonitoringConfig config;
    private final Clock clock;

    public ServerEventsListener(EventConsumer consumer, MonitoringConfig config, Clock clock) {
        this.consumer = consumer;
        this.config = config;
        this.clock = clock;
    }

    @Incoming("servers")
    @Blocking
    public void onServerEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        UUID serverId = UUID.fromString(event.payload().serverId());
        if (event.payload() instanceof ServerRequested requested) {
            if (MonitoredServer.findById(serverId) == null) {
                MonitoredServer row = new MonitoredServer();
                row.serverId = serverId;
                row.subscriptionId = requested.subscriptionId();
                row.resourceGroup = requested.resourceGroup() == null ? "" : requested.resourceGroup();
                row.name = requested.name();
                row.metricsRetentionDays = (int) config.retention().toDays();
                row.updatedAt = clock.instant();
                row.persist();
            }
        } else if (event.payload() instanceof ServerDeleted) {
            MonitoredServer row = MonitoredServer.findById(serverId);
            if (row != null && row.deletedAt == null) {
                row.deletedAt = clock.instant();
                row.updatedAt = row.deletedAt;
                // its rules go with it (a rule on a server that reports nothing would never change again)
                AlertRule.delete("serverId", serverId);
            }
        }
    }
}
