package io.pgflex.provisioning.operation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.events.ServerProvisioned;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.provisioning.placement.Placement;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Create and point-in-time restore: placement, the instance (new, or restored from the source's backups), its
 * endpoint, then Ready.
 */
@ApplicationScoped
public class CreateStep implements OperationStep {
    private static final Logger LOG = Logger.getLogger(CreateStep.class);

    private final AgentClients agents;
    private final Placement placement;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final StepContext ctx;
    private final OperationLedger ledger;

    public CreateStep(AgentClients agents, Placement placement, Outbox outbox, ObjectMapper json, Clock clock, StepContext ctx, OperationLedger ledger) {
        this.agents = agents;
        this.placement = placement;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.ctx = ctx;
        this.ledger = ledger;
    }

    @Override
    public StepResult run(OperationEntity op) {
        RouteWait wait = ctx.storedRouteWait(op).orElseGet(() -> provision(op));
        return ctx.afterRoute(op, wait, () -> finish(op, wait));
    }

    /** Places the server, makes (or restores) its instance and publishes its route; returns the wait for the router. */
    private RouteWait provision(OperationEntity op) {
        StepContext.Target target = QuarkusTransaction.requiringNew().call(() -> {
            ServerEntity s = ctx.server(op);
            if (s.agentId == null) {
                s.agentId = placement.choose(s);
                s.instanceId = s.id.toString();
                LOG.infof("operation %s: server %s placed on node agent %s", op.id, s.name, s.agentId);
            }
            ledger.progress(op.id, "CreatingInstance", 30);
            return new StepContext.Target(s, InstanceSpecs.of(s, op.id.toString(), json));
        });
        io.pgflex.contracts.agent.RestoreResult restored = "PointInTimeRestore".equals(target.server().createMode)
                ? restore(op, target) : null;
        InstanceStatus status = restored != null ? restored.instance()
                : ctx.agent(target.server()).apply(target.server().instanceId, target.spec());
        return QuarkusTransaction.requiringNew().call(() -> {
            ledger.progress(op.id, "ConfiguringEndpoint", 80);
            ServerEntity s = ctx.server(op);
            StepContext.record(s, status);
            return ctx.publishRoute(OperationLedger.held(op.id), s, target, 0, null, restored != null ? restored.restoredLsn() : null);
        });
    }

    private void finish(OperationEntity op, RouteWait wait) {
        ctx.finish(op, s -> {
            // where it runs was recorded with its route, above
            s.state = ServerLifecycle.succeeded(op.kind, s.state);
            outbox.publish(ctx.haDesired(s, op.id.toString()));
            if ("PointInTimeRestore".equals(s.createMode)) {
                outbox.publish(new io.pgflex.contracts.events.RestoreCompleted(s.id.toString(), s.subscriptionId,
                        op.id.toString(), io.pgflex.contracts.events.RestoreCompleted.VERSION, s.sourceServerId.toString(),
                        s.pointInTime, wait.restoredLsn(), clock.instant()));
            }
            return new ServerProvisioned(s.id.toString(), s.subscriptionId, op.id.toString(), ServerProvisioned.VERSION,
                    s.name, s.host, s.port, s.version, s.minorVersion, clock.instant());
        });
    }

    /**
     * A new server from another's backups: the source (when it runs) first commits a marker and
     * switches WAL, so everything up to now is in the archive; then the agent restores the latest
     * backup before the point in time and replays WAL to it.
     */
    private io.pgflex.contracts.agent.RestoreResult restore(OperationEntity op, StepContext.Target target) {
        ServerEntity s = target.server();
        ServerEntity source = QuarkusTransaction.requiringNew().call(() -> ServerEntity.<ServerEntity>findById(s.sourceServerId));
        java.time.Instant pointInTime = s.pointInTime;
        java.time.Instant archivedUntil;
        if (source != null && source.agentId != null && source.stoppedAt == null) {
            ctx.switchWal(source, op);
            archivedUntil = null;
        } else if (source != null) {
            archivedUntil = source.archivedUntil;
        } else {
            archivedUntil = QuarkusTransaction.requiringNew().call(() -> java.util.Optional.ofNullable(
                    io.pgflex.provisioning.model.DeletedServerEntity.<io.pgflex.provisioning.model.DeletedServerEntity>findById(
                            s.sourceServerId)).map(d -> d.restorableUntil).orElse(null));
        }
        if (archivedUntil != null && pointInTime.isAfter(archivedUntil)) {
            // the source stopped (or was deleted) before the point: everything it archived is the data at that point
            pointInTime = null;
        }
        QuarkusTransaction.requiringNew().run(() -> ledger.progress(op.id, "RestoringBackup", 40));
        LOG.infof("operation %s: restoring server %s to %s from the backups of %s", op.id, s.name, s.pointInTime,
                s.sourceServerId);
        return agents.slowClient(s.agentId).restore(s.instanceId, new io.pgflex.contracts.agent.RestoreRequest(
                target.spec(), s.sourceServerId.toString(), pointInTime, false));
    }
}
