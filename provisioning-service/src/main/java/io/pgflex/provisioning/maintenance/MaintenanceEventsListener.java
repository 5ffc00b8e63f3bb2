package io.pgflex.provisioning.maintenance;

import io.pgflex.contracts.events.MaintenanceCompleted;
import io.pgflex.contracts.events.MaintenanceFailed;
import io.pgflex.contracts.events.MaintenanceStarted;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes in maintenance-service's patching (pgflex.maintenance, once per event): the server shows Updating from
 * MaintenanceStarted until MaintenanceCompleted (then its minorVersion is the new one), MaintenanceFailed (rolled
 * back: the minor it had) or MaintenanceScheduled of the same maintenance (moved to a later window).
 */
@ApplicationScoped
public class MaintenanceEventsListener {
    private static final Logger LOG = Logger.getLogger(MaintenanceEventsListener.class);

    private final EventConsumer consumer;

    public MaintenanceEventsListener(EventConsumer consumer) {
        this.consumer = consumer;
    }

    @Incoming("maintenance")
    @Blocking
    public void onMaintenanceEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        ServerEntity s = ServerEntity.findById(UUID.fromString(event.payload().serverId()), LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return;
        }
        if (event.payload() instanceof MaintenanceStarted started) {
            s.maintenanceId = started.maintenanceId();
            LOG.infof("server %s: maintenance %s patches %s -> %s", s.name, started.maintenanceId(), started.fromVersion(),
                    started.targetVersion());
        } else if (event.payload() instanceof io.pgflex.contracts.events.MaintenanceScheduled moved) {
            if (moved.maintenanceId().equals(s.maintenanceId)) {
                s.maintenanceId = null; // back to waiting for a window: nothing runs on the server now
            }
        } else if (event.payload() instanceof MaintenanceCompleted done) {
            if (done.maintenanceId().equals(s.maintenanceId)) {
                s.maintenanceId = null;
            }
            s.minorVersion = done.resultVersion();
        } else if (event.payload() instanceof MaintenanceFailed failed) {
            if (failed.maintenanceId().equals(s.maintenanceId)) {
                s.maintenanceId = null;
            }
        }
    }
}
