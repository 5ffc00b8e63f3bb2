package io.pgflex.provisioning.backup;

import io.pgflex.contracts.events.BackupCompleted;
import io.pgflex.contracts.events.BackupExpired;
import io.pgflex.provisioning.model.DeletedServerEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes in the earliest point each server's backups restore to (pgflex.backups, once per event):
 * the server resource's earliestRestoreDate and the checks of point-in-time restore requests read it.
 */
@ApplicationScoped
public class BackupEventsListener {
    private final EventConsumer consumer;

    public BackupEventsListener(EventConsumer consumer) {
        this.consumer = consumer;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        Instant restorableFrom;
        if (event.payload() instanceof BackupCompleted done) {
            restorableFrom = done.restorableFrom();
        } else if (event.payload() instanceof BackupExpired expired) {
            restorableFrom = expired.restorableFrom();
        } else {
            return;
        }
        UUID id = UUID.fromString(event.payload().serverId());
        ServerEntity s = ServerEntity.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (s != null) {
            s.restorableFrom = restorableFrom;
            return;
        }
        DeletedServerEntity d = DeletedServerEntity.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (d != null) {
            d.restorableFrom = restorableFrom;
        }
    }
}
