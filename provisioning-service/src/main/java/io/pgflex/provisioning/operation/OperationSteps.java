package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.contracts.events.ServerFailed;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs an operation: the step class of its kind ({@link OperationStep}), and when that fails what
 * {@link FailurePolicy} says — another attempt later, or the end as Failed with what a failure leaves behind undone
 * (a failed create's instance removed, a failed parameter change rolled back).
 */
@ApplicationScoped
public class OperationSteps {
    private static final Logger LOG = Logger.getLogger(OperationSteps.class);

    private final CreateStep create;
    private final ConvergeStep converge;
    private final RestartStep restart;
    private final DeleteStep delete;
    private final DatabaseStep database;
    private final StepContext ctx;
    private final OperationLedger ledger;
    private final Operations operations;
    private final Outbox outbox;
    private final ProvisioningConfig config;
    private final Clock clock;
    /** Operations whose attempt was logged, with that attempt (a waiting step runs many times per attempt). */
    private final java.util.Map<UUID, Integer> announced = new java.util.concurrent.ConcurrentHashMap<>();

    public OperationSteps(CreateStep create, ConvergeStep converge, RestartStep restart, DeleteStep delete,
                          DatabaseStep database, StepContext ctx, OperationLedger ledger, Operations operations, Outbox outbox,
                          ProvisioningConfig config, Clock clock) {
        this.create = create;
        this.converge = converge;
        this.restart = restart;
        this.delete = delete;
        this.database = database;
        this.ctx = ctx;
        this.ledger = ledger;
        this.operations = operations;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    private OperationStep stepOf(OperationKind kind) {
        return switch (kind) {
            case Create -> create;
            case Delete -> delete;
            case Restart -> restart;
            case CreateDatabase, DropDatabase -> database;
            case Update, Start, Stop, ApplyFirewall, ApplyConfiguration -> converge;
        };
    }

    /**
     * Runs the operation's step as far as it goes now; returns when to run it again if it waits for something (the
     * caller looks again then), empty when it ended or failed and waits for its backoff.
     */
    public Optional<Duration> run(UUID operationId) {
        OperationEntity op = QuarkusTransaction.requiringNew().call(() -> OperationEntity.findById(operationId));
        if (op == null || op.status.done()) {
            announced.remove(operationId);
            return Optional.empty();
        }
        if (!Integer.valueOf(op.attempts).equals(announced.put(op.id, op.attempts))) {
            // once per attempt, not every time a waiting step looks again
            LOG.infof("operation %s: %s of server %s (attempt %d)", op.id, op.kind, op.serverName, op.attempts + 1);
        }
        try {
            StepResult result = stepOf(op.kind).run(op);
            if (result instanceof StepResult.Later later) {
                boolean held = QuarkusTransaction.requiringNew().call(() -> ledger.later(op.id, later.after(), later.step()));
                if (held) {
                    return Optional.of(later.after());
                }
            }
            announced.remove(op.id);
            if (result instanceof StepResult.Fail f) {
                fail(op, f.code(), f.message());
            }
        } catch (OperationLedger.LeaseLost e) {
            LOG.warnf("operation %s: %s; this worker stops", op.id, e.getMessage());
        } catch (RuntimeException e) {
            String code = FailurePolicy.permanentCode(e);
            String message = e instanceof FailurePolicy.Permanent ? e.getMessage() : StepContext.agentMessage(e);
            // the attempt, its backoff and the step that says why commit together
            FailurePolicy.Decision d = code != null ? FailurePolicy.decide(code, op.attempts + 1, config.operationMaxAttempts())
                    : QuarkusTransaction.requiringNew().call(() -> {
                        FailurePolicy.Decision decision = FailurePolicy.decide(null, ledger.attemptFailed(op.id),
                                config.operationMaxAttempts());
                        if (decision.action() == FailurePolicy.Action.RETRY) {
                            ledger.retryAfter(op.id, decision.backoff(), message);
                        }
                        return decision;
                    });
            if (d.action() == FailurePolicy.Action.RETRY) {
                LOG.warnf("operation %s: %s failed (%s): %s", op.id, op.kind, d.reason(), message);
            } else {
                fail(op, d.code(), message);
            }
        }
        return Optional.empty();
    }

    /** The parameters before a failed change (restored then); none when its detail cannot be read. */
    private String previousParameters(OperationEntity op) {
        try {
            return ctx.detail(op, OperationDetail.ApplyConfiguration.class).previousParameters();
        } catch (RuntimeException e) {
            LOG.warnf("operation %s: its detail is unreadable (%s): nothing to roll back", op.id, e.getMessage());
            return null;
        }
    }

    /**
     * Ends the operation as Failed. A server whose creation failed is removed with its instance:
     * nothing half-made stays; when its instance cannot be removed now, the server is kept as
     * Dropping with a Delete queued, so the instance is not forgotten. A failed parameter change
     * is rolled back (the previous parameters are applied again).
     */
    private void fail(OperationEntity op, String code, String message) {
        announced.remove(op.id);
        // still this worker's (not ended meanwhile, e.g. by ha-service's report): else LeaseLost, and nothing is logged as failed
        QuarkusTransaction.requiringNew().run(() -> OperationLedger.held(op.id));
        LOG.errorf("operation %s: %s of server %s failed: %s", op.id, op.kind, op.serverName, message);
        boolean instanceGone = true;
        if (op.kind == OperationKind.Create) {
            ServerEntity s = QuarkusTransaction.requiringNew().call(() -> ServerEntity.findById(op.serverId));
            if (s != null && s.agentId != null) {
                try {
                    ctx.agent(s).delete(s.instanceId);
                } catch (RuntimeException e) {
                    instanceGone = false;
                    LOG.warnf("operation %s: instance of failed server %s not removed yet (%s): a Delete is queued",
                            op.id, s.name, e.getMessage());
                }
            }
        }
        boolean removeServer = instanceGone;
        QuarkusTransaction.requiringNew().run(() -> {
            // the operation before its server, as ha-service's listener locks them: no deadlock between the two
            OperationEntity o = OperationLedger.held(op.id);
            ServerEntity s = ServerEntity.lockById(op.serverId);
            ledger.failed(o, code, message);
            if (s == null) {
                return;
            }
            outbox.publish(new ServerFailed(s.id.toString(), s.subscriptionId, op.id.toString(), ServerFailed.VERSION, s.name,
                    code, message, clock.instant()));
            if (op.kind == OperationKind.Create && removeServer) {
                FirewallRuleEntity.delete("key.serverId", s.id);
                s.delete();
                return;
            }
            if (op.kind == OperationKind.Create) {
                s.state = ServerLifecycle.accept(OperationKind.Delete, s.state, s.name);
                operations.start(s, OperationKind.Delete, new OperationDetail.Delete("failed create"));
            } else {
                s.state = ServerLifecycle.failed(op.kind, s.state);
            }
            String previous = op.kind == OperationKind.ApplyConfiguration ? previousParameters(op) : null;
            if (previous != null && s.state != ServerState.Dropping) {
                s.parameters = previous;
                operations.start(s, OperationKind.ApplyConfiguration, new OperationDetail.ApplyConfiguration(null, null, true));
            }
            s.updatedAt = clock.instant();
        });
    }
}
