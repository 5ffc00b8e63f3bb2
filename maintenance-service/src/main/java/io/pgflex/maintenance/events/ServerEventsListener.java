package io.pgflex.maintenance.events;

import io.pgflex.contracts.events.HaDesired;
import io.pgflex.contracts.events.HaStateChanged;
import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerProvisioned;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.contracts.events.ServerUpdated;
import io.pgflex.contracts.events.WindowChoice;
import io.pgflex.maintenance.plan.Window;
import io.pgflex.maintenance.rollout.Maintenance;
import io.pgflex.maintenance.servers.MaintainedServer;
import io.pgflex.maintenance.window.MaintenanceWindow;
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
 * Keeps {@link MaintainedServer} and {@link MaintenanceWindow} rows in step with the servers (pgflex.servers: created,
 * provisioned on a minor, window changed, running or not, deleted) and with where their primary and standby run
 * (pgflex.ha), once per event.
 */
@ApplicationScoped
public class ServerEventsListener {
    private final EventConsumer consumer;
    private final Clock clock;
    private final io.pgflex.maintenance.rollout.Rollouts rollouts;

    public ServerEventsListener(EventConsumer consumer, Clock clock, io.pgflex.maintenance.rollout.Rollouts rollouts) {
        this.consumer = consumer;
        this.clock = clock;
        this.rollouts = rollouts;
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
        if (event.payload() instanceof ServerRequested requested) {
            window(serverId, requested.subscriptionId(), requested.maintenanceWindow());
            if (MaintainedServer.findById(serverId) == null) {
                MaintainedServer s = new MaintainedServer();
                s.serverId = serverId;
                s.subscriptionId = requested.subscriptionId();
                s.resourceGroup = requested.resourceGroup();
                s.name = requested.name();
                s.engineMajor = requested.engineVersion().split("\\.")[0];
                s.haMode = requested.haMode() == null ? "Disabled" : requested.haMode();
                s.updatedAt = clock.instant();
                s.persist();
            }
            return;
        }
        if (event.payload() instanceof ServerDeleted) {
            MaintenanceWindow.deleteById(serverId);
            MaintainedServer.deleteById(serverId);
            Maintenance.cancelOpen(serverId, "the server was deleted", clock.instant());
            return;
        }
        MaintainedServer s = MaintainedServer.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            return; // a server from before this service knew it, or gone
        }
        if (event.payload() instanceof ServerProvisioned provisioned) {
            if (provisioned.minorVersion() != null) {
                s.minorVersion = provisioned.minorVersion();
            }
        } else if (event.payload() instanceof ServerUpdated updated) {
            if (updated.maintenanceWindow() != null && window(serverId, s.subscriptionId, updated.maintenanceWindow())) {
                rollouts.windowChanged(serverId);
            }
        } else if (event.payload() instanceof HaDesired desired) {
            s.haMode = desired.haMode();
            s.running = desired.running();
            s.name = desired.name();
            s.resourceGroup = desired.resourceGroup();
            if (s.haGeneration == 0 && desired.primary() != null) {
                s.primaryAgent = desired.primary().agentId();
                s.primaryInstance = desired.primary().instanceId();
            }
        } else if (event.payload() instanceof io.pgflex.contracts.events.SwitchoverCompleted done) {
            Maintenance.openFor(serverId).filter(m -> m.id.toString().equals(done.operationId())).ifPresent(m -> {
                m.downtimeMillis = done.writesPausedMillis();
                m.updatedAt = clock.instant();
            });
            return;
        } else if (event.payload() instanceof io.pgflex.contracts.events.FailoverRefused refused) {
            Maintenance.openFor(serverId).filter(m -> m.id.toString().equals(refused.operationId())).ifPresent(m -> {
                m.failure = "ha-service refused the switchover: " + refused.reason();
                m.updatedAt = clock.instant();
            });
            return;
        } else if (event.payload() instanceof HaStateChanged changed) {
            if (changed.generation() <= s.haGeneration) {
                return;
            }
            s.haGeneration = changed.generation();
            s.haState = changed.state();
            s.haReason = changed.degradedReason();
            if (changed.primary() != null) {
                s.primaryAgent = changed.primary().agentId();
                s.primaryInstance = changed.primary().instanceId();
            }
            s.standbyAgent = changed.standby() == null ? null : changed.standby().agentId();
            s.standbyInstance = changed.standby() == null ? null : changed.standby().instanceId();
        } else {
            return;
        }
        s.updatedAt = clock.instant();
    }

    /**
     * The server's window: the owner's custom hour, or pgflex's night slot for it (system-managed, stable). Returns
     * whether it changed.
     */
    private boolean window(UUID serverId, String subscriptionId, WindowChoice choice) {
        MaintenanceWindow row = MaintenanceWindow.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
        boolean isNew = row == null;
        if (isNew) {
            row = new MaintenanceWindow();
            row.serverId = serverId;
            row.subscriptionId = subscriptionId;
        }
        Window w = choice != null && choice.custom()
                ? new Window(true, choice.dayOfWeek(), choice.startHour(), choice.startMinute())
                : Window.systemManaged(serverId);
        if (!isNew && w.equals(row.window())) {
            return false;
        }
        row.customWindow = w.custom();
        row.dayOfWeek = w.dayOfWeek();
        row.startHour = w.startHour();
        row.startMinute = w.startMinute();
        row.updatedAt = clock.instant();
        if (isNew) {
            row.persist();
        }
        return true;
    }
}
