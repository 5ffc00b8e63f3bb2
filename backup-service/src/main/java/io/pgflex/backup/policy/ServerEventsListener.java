package io.pgflex.backup.policy;

import io.pgflex.contracts.events.HaDesired;
import io.pgflex.contracts.events.HaStateChanged;
import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.contracts.events.ServerUpdated;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps {@link BackupPolicy} rows in step with the servers (pgflex.servers) and with where their
 * primary runs (pgflex.ha), once per event. A deleted server keeps its row, marked, for as long as
 * its backups stay restorable.
 */
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

    @Incoming("ha")
    @Blocking
    public void onHaEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        UUID serverId = UUID.fromString(event.payload().serverId());
        BackupPolicy row = BackupPolicy.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
        if (event.payload() instanceof ServerRequested requested) {
            if (row == null) {
                row = new BackupPolicy();
                row.serverId = serverId;
                row.subscriptionId = requested.subscriptionId();
                row.retentionDays = requested.backupRetentionDays();
                row.resourceGroup = requested.resourceGroup();
                row.serverName = requested.name();
                row.location = requested.location();
                row.updatedAt = clock.instant();
                row.persist();
            }
            return;
        }
        if (row == null) {
            return; // a server from before this service knew it, or long gone
        }
        if (event.payload() instanceof HaDesired desired) {
            row.running = desired.running();
            row.serverName = desired.name();
            row.resourceGroup = desired.resourceGroup();
            if (row.haGeneration == 0 && desired.primary() != null) {
                row.primaryAgentId = desired.primary().agentId();
                row.primaryInstance = desired.primary().instanceId();
            }
        } else if (event.payload() instanceof HaStateChanged changed) {
            if (changed.generation() > row.haGeneration && changed.primary() != null) {
                row.haGeneration = changed.generation();
                row.primaryAgentId = changed.primary().agentId();
                row.primaryInstance = changed.primary().instanceId();
            }
        } else if (event.payload() instanceof ServerUpdated updated && updated.changes() != null
                && updated.changes().containsKey("backupRetentionDays")) {
            String change = updated.changes().get("backupRetentionDays");
            row.retentionDays = Integer.parseInt(change.substring(change.lastIndexOf(' ') + 1).trim());
        } else if (event.payload() instanceof ServerDeleted deleted) {
            row.deletedAt = deleted.deletedAt() == null ? clock.instant() : deleted.deletedAt();
            row.running = false;
        } else {
            return;
        }
        row.updatedAt = clock.instant();
    }
}
