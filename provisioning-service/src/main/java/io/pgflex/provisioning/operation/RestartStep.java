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
    public void run(OperationEntity op) {
        if (ctx.detail(op, OperationDetail.Restart.class).restartWithFailover()) {
            restartWithFailover(op);
            return;
        }
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> {
            ledger.progress(op.id, "Restarting", 40);
            return ctx.server(op);
        });
        InstanceStatus status = ctx.agent(s).restart(s.instanceId);
        // the router saw the instance go away: done when it routes to it again
        ctx.awaitRouter(s, 0, s.publicNetworkAccess, s.publicNetworkAccess && StepContext.pgBouncer(InstanceSpecs.parameters(s, json)));
        ctx.finish(op, server -> {
            StepContext.record(server, status);
            server.state = ServerLifecycle.succeeded(op.kind, server.state);
            return new ServerRestarted(server.id.toString(), server.subscriptionId, op.id.toString(), ServerRestarted.VERSION,
                    server.name, false, clock.instant());
        });
    }

    /**
     * Asks ha-service for the failover (FailoverRequested, once) and waits until it reports the roles
     * changed (the pgflex.ha listener then ends this operation), or gives up after
     * {@code pgflex.provisioning.failover-wait}.
     */
    private void restartWithFailover(OperationEntity op) {
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
        long deadline = op.startedAt.plus(config.failoverWait()).toEpochMilli();
        while (clock.millis() < deadline) {
            OperationEntity now = QuarkusTransaction.requiringNew().call(() -> OperationEntity.findById(op.id));
            if (now == null || now.status.done()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new FailurePolicy.Permanent("FailoverNotCompleted", "ha-service did not complete the " + d.failoverMode() + " within "
                + config.failoverWait() + " (the server keeps running on its current primary)");
    }
}
