package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetails;
import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.events.ServerRestarted;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Restart in place, or with failover: asked of ha-service, which ends the operation when the roles changed.
 */
@ApplicationScoped
public class RestartStep implements OperationStep {
    private static final Logger LOG = Logger.getLogger(RestartStep.class);

    private final Outbox outbox;
    private final ObjectMapper json;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final StepContext ctx;
    private final OperationLedger ledger;

    public RestartStep(Outbox outbox, ObjectMapper json, ProvisioningConfig config, Clock clock, StepContext ctx, OperationLedger ledger) {
        this.outbox = outbox;
        this.json = json;
        this.config = config;
        this.clock = clock;
        this.ctx = ctx;
        this.ledger = ledger;
    }

    @Override
    public StepResult run(OperationEntity op) {
        if (ctx.detail(op, OperationDetail.Restart.class).restartWithFailover()) {
            return restartWithFailover(op);
        }
        RouteWait wait = ctx.storedRouteWait(op).orElseGet(() -> restart(op));
        return ctx.afterRoute(op, wait, () -> ctx.finish(op, server -> {
            server.state = ServerLifecycle.succeeded(op.kind, server.state);
            return new ServerRestarted(server.id.toString(), server.subscriptionId, op.id.toString(), ServerRestarted.VERSION,
                    server.name, false, clock.instant());
        }));
    }

    /** Restarts the instance; the router saw it go away, so the wait is until it routes to it again. */
    private RouteWait restart(OperationEntity op) {
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> {
            ledger.progress(op.id, "Restarting", 40);
            return ctx.server(op);
        });
        InstanceStatus status = ctx.agent(s).restart(s.instanceId);
        return QuarkusTransaction.requiringNew().call(() -> {
            OperationEntity held = OperationLedger.held(op.id);
            ServerEntity server = ctx.server(op);
            StepContext.record(server, status);
            // the route is unchanged (generation 0: any): the wait is for the restarted instance behind it
            return ctx.storeRouteWait(held, ctx.routeWait(0, server.publicNetworkAccess,
                    server.publicNetworkAccess && StepContext.pgBouncer(InstanceSpecs.parameters(server, json)), 0, null, null));
        });
    }

    /**
     * Asks ha-service for the failover (FailoverRequested, once), then looks again every {@link #FAILOVER_POLL} until it
     * reports the roles changed (the pgflex.ha listener then ends this operation), or gives up after
     * {@code pgflex.provisioning.failover-wait}. No worker waits in between.
     */
    private StepResult restartWithFailover(OperationEntity op) {
        OperationDetail.Restart d = ctx.detail(op, OperationDetail.Restart.class);
        if (!d.requested()) {
            QuarkusTransaction.requiringNew().run(() -> {
                OperationEntity o = OperationLedger.held(op.id);
                ServerEntity s = ctx.server(op);
                ledger.progress(op.id, "FailingOver", 30);
                o.detail = OperationDetails.write(json, d.asked());
                outbox.publish(new io.pgflex.contracts.events.FailoverRequested(s.id.toString(), s.subscriptionId,
                        op.id.toString(), io.pgflex.contracts.events.FailoverRequested.VERSION, d.failoverMode(),
                        clock.instant()));
            });
            LOG.infof("operation %s: %s of server %s asked of ha-service", op.id, d.failoverMode(), op.serverName);
        }
        OperationEntity now = QuarkusTransaction.requiringNew().call(() -> OperationEntity.findById(op.id));
        if (now == null || now.status.done()) {
            return StepResult.done();
        }
        if (!clock.instant().isBefore(op.startedAt.plus(config.failoverWait()))) {
            return new StepResult.Fail("FailoverNotCompleted", "ha-service did not complete the " + d.failoverMode() + " within "
                    + config.failoverWait() + " (the server keeps running on its current primary)");
        }
        return new StepResult.Later(FAILOVER_POLL, null);
    }

    /** How often a restart with failover looks whether ha-service has reported the roles changed. */
    static final java.time.Duration FAILOVER_POLL = java.time.Duration.ofMillis(200);
}
