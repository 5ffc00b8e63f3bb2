package io.pgflex.provisioning.operation;

import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Delete: the last WAL archived, both instances removed, the server recorded as deleted (restorable within its
 * retention) and gone.
 */
@ApplicationScoped
public class DeleteStep implements OperationStep {
    private static final Logger LOG = Logger.getLogger(DeleteStep.class);

    private final AgentClients agents;
    private final Outbox outbox;
    private final Clock clock;
    private final StepContext ctx;
    private final OperationLedger ledger;

    public DeleteStep(AgentClients agents, Outbox outbox, Clock clock, StepContext ctx, OperationLedger ledger) {
        this.agents = agents;
        this.outbox = outbox;
        this.clock = clock;
        this.ctx = ctx;
        this.ledger = ledger;
    }

    @Override
    public StepResult run(OperationEntity op) {
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> {
            ledger.progress(op.id, "DeletingInstance", 40);
            return ctx.server(op);
        });
        java.time.Instant archivedUntil = s.agentId != null && s.stoppedAt == null ? ctx.switchWal(s, op) : s.archivedUntil;
        if (s.agentId != null) {
            ctx.agent(s).delete(s.instanceId);
        }
        if (s.standbyAgentId != null) {
            try {
                agents.client(s.standbyAgentId).delete(s.standbyInstanceId);
            } catch (RuntimeException e) {
                LOG.warnf("operation %s: standby %s of %s on %s not removed (%s): its agent does not answer", op.id,
                        s.standbyInstanceId, s.name, s.standbyAgentId, StepContext.agentMessage(e));
            }
        }
        QuarkusTransaction.requiringNew().run(() -> {
            ServerEntity server = ctx.server(op);
            FirewallRuleEntity.delete("key.serverId", server.id);
            // its backups stay restorable for its retention period
            io.pgflex.provisioning.model.DeletedServerEntity.record(server, clock.instant(),
                    archivedUntil);
            server.delete();
            outbox.publish(new ServerDeleted(server.id.toString(), server.subscriptionId, op.id.toString(),
                    ServerDeleted.VERSION, server.name, clock.instant()));
            ledger.succeed(op.id);
        });
        LOG.infof("operation %s: server %s deleted with its data", op.id, s.name);
        return StepResult.done();
    }
}
