package io.pgflex.ha.servers;

import io.pgflex.contracts.events.FailoverRequested;
import io.pgflex.contracts.events.HaDesired;
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

    private final io.pgflex.support.outbox.Outbox outbox;

    public ServerEventsListener(EventConsumer consumer, Clock clock, io.pgflex.support.outbox.Outbox outbox) {
        this.consumer = consumer;
        this.clock = clock;
        this.outbox = outbox;
    }

    @Incoming("servers")
    @Blocking
    public void onServerEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    @Incoming("maintenance")
    @Blocking
    public void onMaintenanceEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    /** Mode and run state always; where the primary runs only for a server not yet known (then ha-service owns it). */
    private HaServer desired(HaServer server, UUID serverId, HaDesired desired) {
        if (server == null) {
            server = new HaServer();
            server.serverId = serverId;
            server.subscriptionId = desired.subscriptionId();
            server.name = desired.name();
            server.haState = HaState.NotEnabled;
            server.updatedAt = clock.instant();
            server.haMode = desired.haMode();
            server.persist();
        }
        if (!java.util.Objects.equals(server.haMode, desired.haMode())) {
            LOG.infof("server %s: high availability %s -> %s", server.name, server.haMode, desired.haMode());
        }
        server.haMode = desired.haMode() == null ? "Disabled" : desired.haMode();
        server.resourceGroup = desired.resourceGroup();
        server.running = desired.running();
        if (server.primaryInstance == null && desired.primary() != null) {
            server.primaryAgent = desired.primary().agentId();
            server.primaryInstance = desired.primary().instanceId();
            server.primaryHost = desired.primary().host();
            server.primaryPort = desired.primary().port();
            server.primaryZone = desired.primary().zone();
        }
        return server;
    }

    /**
     * A maintenance's request: hold the standby (commits stop waiting for it, it may restart; shown as ReplicatingData),
     * release it (it catches up and becomes synchronous again), or switch over as a PlannedFailover request does.
     */
    private void maintenance(HaServer server, io.pgflex.contracts.events.HaMaintenanceRequested request) {
        String id = request.operationId();
        switch (request.action()) {
            case io.pgflex.contracts.events.HaMaintenanceRequested.HOLD_STANDBY -> {
                if (server.standbyInstance == null || server.step != null
                        || (server.haState != HaState.Healthy && server.haState != HaState.ReplicatingData)) {
                    LOG.infof("server %s: maintenance %s asked to hold the standby, but high availability is %s%s: not held",
                            server.name, id, server.haState, server.step == null ? "" : " (step " + server.step + ")");
                    return;
                }
                server.standbyHold = id;
                server.standbyHoldAt = clock.instant();
                server.haState = HaState.ReplicatingData;
                server.degradedReason = "the standby is being patched (maintenance " + id + "): commits do not wait for it meanwhile";
                outbox.publish(server.nextPicture(clock.instant()));
                LOG.infof("server %s: standby %s held for maintenance %s", server.name, server.standbyInstance, id);
            }
            case io.pgflex.contracts.events.HaMaintenanceRequested.RELEASE_STANDBY -> {
                if (id.equals(server.standbyHold)) {
                    server.standbyHold = null;
                    server.degradedReason = "the patched standby is catching up";
                    outbox.publish(server.nextPicture(clock.instant()));
                    LOG.infof("server %s: standby %s released by maintenance %s", server.name, server.standbyInstance, id);
                }
            }
            case io.pgflex.contracts.events.HaMaintenanceRequested.SWITCHOVER -> {
                server.pendingMode = "PlannedFailover";
                server.pendingOperation = id;
                LOG.infof("server %s: switchover requested by maintenance %s", server.name, id);
            }
            default -> LOG.warnf("server %s: unknown maintenance request %s: ignored", server.name, request.action());
        }
    }

    void apply(InboundEvent event) {
        UUID serverId = UUID.fromString(event.payload().serverId());
        // locked: the HA state machine changes the same row, and neither may undo the other's change
        HaServer server = HaServer.findById(serverId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
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
        } else if (event.payload() instanceof HaDesired desired) {
            server = desired(server, serverId, desired);
        } else if (event.payload() instanceof FailoverRequested request && server != null) {
            // recorded only: whether it is carried out is decided by the HA state machine (RequestDecision)
            server.pendingMode = request.mode();
            server.pendingOperation = request.operationId();
            LOG.infof("server %s: %s requested (operation %s)", server.name, request.mode(), request.operationId());
        } else if (event.payload() instanceof io.pgflex.contracts.events.HaMaintenanceRequested request && server != null) {
            maintenance(server, request);
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
