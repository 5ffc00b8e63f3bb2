package io.pgflex.provisioning.ha;

import io.pgflex.contracts.events.FailoverCompleted;
import io.pgflex.contracts.events.FailoverRefused;
import io.pgflex.contracts.events.HaMember;
import io.pgflex.contracts.events.HaStateChanged;
import io.pgflex.contracts.events.SwitchoverCompleted;
import io.pgflex.provisioning.endpoint.Endpoints;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.operation.OperationLedger;
import io.pgflex.support.inbox.EventConsumer;
import io.pgflex.support.inbox.InboundEvent;
import io.pgflex.support.outbox.Outbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes in what ha-service announces on pgflex.ha, each event once: the HA picture (state, which
 * instance is the primary, the standby) into the server's record — its endpoint gets both members,
 * primary first — and the end of a restart with failover the user asked for.
 */
@ApplicationScoped
public class HaEventsListener {
    private static final Logger LOG = Logger.getLogger(HaEventsListener.class);

    private final EventConsumer consumer;
    private final Endpoints endpoints;
    private final Outbox outbox;
    private final Clock clock;
    private final OperationLedger ledger;

    public HaEventsListener(EventConsumer consumer, Endpoints endpoints, Outbox outbox, Clock clock, OperationLedger ledger) {
        this.consumer = consumer;
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.clock = clock;
        this.ledger = ledger;
    }

    @Incoming("ha")
    @Blocking
    public void onHaEvent(ConsumerRecord<String, byte[]> record) {
        consumer.consume(record, this::apply);
    }

    void apply(InboundEvent event) {
        if (event.payload() instanceof HaStateChanged changed) {
            picture(changed);
        } else if (event.payload() instanceof FailoverCompleted done && done.operationId() != null) {
            complete(done.operationId(), "failed over to " + done.newPrimaryInstanceId());
        } else if (event.payload() instanceof SwitchoverCompleted done && done.operationId() != null) {
            complete(done.operationId(), "switched over to " + done.newPrimaryInstanceId());
        } else if (event.payload() instanceof FailoverRefused refused && refused.operationId() != null) {
            refuse(refused);
        }
    }

    private void picture(HaStateChanged changed) {
        ServerEntity s = ServerEntity.lockById(UUID.fromString(changed.serverId()));
        if (s == null || changed.generation() <= s.haGeneration) {
            return; // deleted, or an older picture than the one taken in
        }
        s.haGeneration = changed.generation();
        s.haState = changed.state();
        s.haDegradedReason = changed.degradedReason();
        s.primaryAvailable = !Boolean.FALSE.equals(changed.primaryAvailable()); // v1 events do not say: available
        HaMember p = changed.primary();
        if (p != null && !p.instanceId().equals(s.instanceId)) {
            LOG.infof("server %s: instance %s on %s is the primary now (was %s on %s)", s.name, p.instanceId(), p.agentId(),
                    s.instanceId, s.agentId);
        }
        if (p != null) {
            s.agentId = p.agentId();
            s.instanceId = p.instanceId();
            s.host = p.host();
            s.port = p.port();
            s.availabilityZone = p.zone();
        }
        HaMember b = changed.standby();
        s.standbyAgentId = b == null ? null : b.agentId();
        s.standbyInstanceId = b == null ? null : b.instanceId();
        s.standbyHost = b == null || b.port() == 0 ? null : b.host();
        s.standbyPort = b == null || b.port() == 0 ? null : b.port();
        s.standbyZone = b == null ? null : b.zone();
        s.updatedAt = clock.instant();
        // the route again on every change (rare): a member left out while its agent did not answer
        // (a lost host) comes back into it with the next change, even when nothing else of it changed
        outbox.publish(endpoints.route(s, changed.operationId()));
    }

    /** ha-service decided not to carry out a requested failover: the operation fails with its reason. */
    private void refuse(FailoverRefused refused) {
        OperationEntity op = OperationLedger.open(UUID.fromString(refused.operationId()));
        if (op == null) {
            return;
        }
        ledger.failed(op, "FailoverRefused", "The " + refused.mode() + " was not carried out: " + refused.reason() + ".");
        ServerEntity s = ServerEntity.lockById(op.serverId);
        if (s != null) {
            s.state = io.pgflex.provisioning.model.ServerLifecycle.failed(op.kind, s.state);
            s.updatedAt = clock.instant();
        }
        LOG.warnf("operation %s: restart with failover of %s refused by ha-service: %s", op.id, op.serverName, refused.reason());
    }

    /** A restart with failover ends when ha-service says the roles changed. */
    private void complete(String operationId, String what) {
        OperationEntity op = OperationLedger.open(UUID.fromString(operationId));
        if (op == null) {
            return;
        }
        ledger.succeeded(op, "Done: " + what);
        ServerEntity s = ServerEntity.lockById(op.serverId);
        if (s != null) {
            s.state = io.pgflex.provisioning.model.ServerLifecycle.succeeded(op.kind, s.state);
            s.updatedAt = clock.instant();
            outbox.publish(new io.pgflex.contracts.events.ServerRestarted(s.id.toString(), s.subscriptionId, operationId,
                    io.pgflex.contracts.events.ServerRestarted.VERSION, s.name, true, clock.instant()));
        }
        LOG.infof("operation %s: restart with failover of %s succeeded (%s)", operationId, op.serverName, what);
    }
}
