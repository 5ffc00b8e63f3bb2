package io.pgflex.maintenance.window;

import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.maintenance.plan.Window;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Creates and removes {@link MaintenanceWindow} rows as servers come and go (pgflex.servers, once per event). */
@ApplicationScoped
public class ServerEventsListener {
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
        if (event.payload() instanceof ServerRequested requested) {
            if (MaintenanceWindow.findById(serverId) == null) {
                MaintenanceWindow row = new MaintenanceWindow();
                row.serverId = serverId;
                row.subscriptionId = requested.subscriptionId();
                // system-managed: pgflex's night slot for this server until a custom window is set
                Window slot = Window.systemManaged(serverId);
                row.customWindow = false;
                row.dayOfWeek = slot.dayOfWeek();
                row.startHour = slot.startHour();
                row.startMinute = slot.startMinute();
                row.updatedAt = clock.instant();
                row.persist();
            }
        } else if (event.payload() instanceof ServerDeleted) {
            MaintenanceWindow.deleteById(serverId);
        }
    }
}
