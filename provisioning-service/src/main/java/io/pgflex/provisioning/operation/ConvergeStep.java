package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.events.ServerStarted;
import io.pgflex.contracts.events.ServerStopped;
import io.pgflex.contracts.events.ServerUpdated;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Update, start, stop and firewall/parameter changes: the standby first, then the primary brought to the server's
 * desired state, then the endpoint routed by it.
 */
@ApplicationScoped
public class ConvergeStep implements OperationStep {
    private static final Logger LOG = Logger.getLogger(ConvergeStep.class);

    private final AgentClients agents;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final StepContext ctx;
    private final OperationLedger ledger;

    public ConvergeStep(AgentClients agents, Outbox outbox, ObjectMapper json, Clock clock, StepContext ctx, OperationLedger ledger) {
        this.agents = agents;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.ctx = ctx;
        this.ledger = ledger;
    }

    /** Update, start, stop and firewall/parameter changes: bring the instance to the server's desired state. */
    @Override
    public StepResult run(OperationEntity op) {
        RouteWait wait = ctx.storedRouteWait(op).orElseGet(() -> converge(op));
        return ctx.afterRoute(op, wait, () -> finish(op, wait));
    }

    /** Applies the server's desired state to its instances and publishes its route; returns the wait for the router. */
    private RouteWait converge(OperationEntity op) {
        StepContext.Target target = QuarkusTransaction.requiringNew().call(() -> {
            ledger.progress(op.id, "Applying", 40);
            ServerEntity s = ctx.server(op);
            return new StepContext.Target(s, InstanceSpecs.of(s, op.id.toString(), json));
        });
        Instant started = clock.instant();
        java.time.Instant archivedUntil = op.kind == OperationKind.Stop && target.server().agentId != null
                ? ctx.switchWal(target.server(), op) : null; // what was committed before the stop is restorable
        applyToStandby(target);
        InstanceStatus status = ctx.agent(target.server()).apply(target.server().instanceId, target.spec());
        long elapsed = clock.millis() - started.toEpochMilli();
        // the router learns firewall and network changes from the route; the change is done when it routes by them
        return QuarkusTransaction.requiringNew().call(() -> {
            OperationEntity held = OperationLedger.held(op.id);
            ServerEntity s = ctx.server(op);
            StepContext.record(s, status);
            return ctx.publishRoute(held, s, target, elapsed, archivedUntil, null);
        });
    }

    private void finish(OperationEntity op, RouteWait wait) {
        long elapsed = wait.elapsedMillis();
        Map<String, String> changes = op.kind == OperationKind.Update
                ? ctx.detail(op, OperationDetail.Update.class).changes() : Map.of();
        boolean automatic = op.kind == OperationKind.Start && ctx.detail(op, OperationDetail.Start.class).automatic();
        ctx.finish(op, server -> {
            server.state = ServerLifecycle.succeeded(op.kind, server.state);
            outbox.publish(ctx.haDesired(server, op.id.toString()));
            String id = server.id.toString();
            return switch (op.kind) {
                case Update -> new ServerUpdated(id, server.subscriptionId, op.id.toString(), ServerUpdated.VERSION, server.name,
                        changes, changes.containsKey("sku") ? elapsed : 0, clock.instant(), server.maintenanceWindow());
                case Start -> {
                    server.stoppedAt = null;
                    yield new ServerStarted(id, server.subscriptionId, op.id.toString(), ServerStarted.VERSION, server.name,
                            automatic, clock.instant());
                }
                case Stop -> {
                    server.stoppedAt = clock.instant();
                    server.archivedUntil = wait.archivedUntil();
                    yield new ServerStopped(id, server.subscriptionId, op.id.toString(), ServerStopped.VERSION, server.name,
                            server.stoppedAt);
                }
                default -> null;
            };
        });
    }

    /**
     * The standby gets the same configuration first (a standby must not have less of max_connections
     * and the like than its primary). A standby whose agent does not answer is left for ha-service to rebuild.
     */
    private void applyToStandby(StepContext.Target target) {
        ServerEntity s = target.server();
        if (s.standbyAgentId == null || s.standbyPort == null
                || !("Healthy".equals(s.haState) || "ReplicatingData".equals(s.haState))) {
            return;
        }
        try {
            agents.client(s.standbyAgentId).apply(s.standbyInstanceId, target.spec());
        } catch (RuntimeException e) {
            LOG.warnf("server %s: standby %s on %s not updated (%s); it gets the configuration when rebuilt", s.name,
                    s.standbyInstanceId, s.standbyAgentId, StepContext.agentMessage(e));
        }
    }
}
