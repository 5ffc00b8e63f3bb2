package io.pgflex.provisioning.storage;

import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.StorageLevelChanged;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.provisioning.model.StorageTiers;
import io.pgflex.provisioning.operation.Operations;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Storage protection, the provisioning half (pgflex.alerts, once per event): monitoring-service says
 * how full a server's storage is; this grows it (autogrow) or turns the server read-only and back,
 * each through an Update operation that sends the new spec to the server's instances.
 */
@ApplicationScoped
public class StorageEventsListener {
    private static final Logger LOG = Logger.getLogger(StorageEventsListener.class);

    private final EventConsumer consumer;
    private final Operations operations;
    private final ObjectMapper json;
    private final Clock clock;

    public StorageEventsListener(EventConsumer consumer, Operations operations, ObjectMapper json, Clock clock) {
        this.consumer = consumer;
        this.operations = operations;
        this.json = json;
        this.clock = clock;
    }

    @Incoming("alerts")
    @Blocking
    public void onAlertEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        if (!(event.payload() instanceof StorageLevelChanged changed)) {
            return;
        }
        ServerEntity s = ServerEntity.findById(UUID.fromString(changed.serverId()), LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return;
        }
        if (changed.storageSizeGb() != null && changed.storageSizeGb() != s.storageGb) {
            // measured against another size (before a grow reached the instance): stale, the next reading tells
            LOG.debugf("server %s: storage reading against %d GiB ignored (now %d GiB)", s.name, changed.storageSizeGb(), s.storageGb);
            return;
        }
        StorageProtection.Decision d = StorageProtection.decide(changed.level(), s.state == ServerState.Ready, s.storageAutoGrow,
                s.storageGb, s.storageReadOnly, StorageTiers.STORAGE_SIZES);
        if (d.action() == StorageProtection.Action.None) {
            LOG.debugf("server %s: %s", s.name, d.reason());
            return;
        }
        Map<String, String> changes = new LinkedHashMap<>();
        switch (d.action()) {
            case Grow -> {
                changes.put("storageSizeGB", s.storageGb + " -> " + d.newStorageGb());
                changes.put("reason", "storage autogrow at " + Math.round(changed.storagePercent()) + " %");
                s.storageGb = d.newStorageGb();
            }
            case SetReadOnly -> {
                changes.put("storageReadOnly", "false -> true");
                changes.put("reason", "storage " + Math.round(changed.storagePercent()) + " % used");
                s.storageReadOnly = true;
            }
            case ClearReadOnly -> {
                changes.put("storageReadOnly", "true -> false");
                s.storageReadOnly = false;
            }
            default -> throw new IllegalStateException(d.action().name());
        }
        LOG.infof("server %s: %s", s.name, d.reason());
        s.state = ServerLifecycle.accept(OperationKind.Update, s.state, s.name);
        s.updatedAt = clock.instant();
        operations.start(s, OperationKind.Update, new OperationDetail.Update(changes));
    }
}
