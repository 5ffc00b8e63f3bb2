package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.contracts.agent.DatabaseSpec;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Create or drop a database on the primary.
 */
@ApplicationScoped
public class DatabaseStep implements OperationStep {
    private static final Logger LOG = Logger.getLogger(DatabaseStep.class);

    private final StepContext ctx;
    private final OperationLedger ledger;

    public DatabaseStep(StepContext ctx, OperationLedger ledger) {
        this.ctx = ctx;
        this.ledger = ledger;
    }

    @Override
    public StepResult run(OperationEntity op) {
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> ctx.server(op));
        OperationDetail.Database d = ctx.detail(op, OperationDetail.Database.class);
        if (op.kind == OperationKind.CreateDatabase) {
            ctx.agent(s).createDatabase(s.instanceId, d.database(), new DatabaseSpec(d.database(), d.charset(), d.collation()));
        } else {
            ctx.agent(s).dropDatabase(s.instanceId, d.database());
        }
        QuarkusTransaction.requiringNew().run(() -> ledger.succeed(op.id));
        return StepResult.done();
    }
}
