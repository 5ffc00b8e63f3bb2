package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationStatus;
import io.pgflex.support.Poller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Carries out pending operations. An operation is claimed with a lease of {@link #LEASE}, renewed
 * while it runs (so one worker of one replica runs it; a crashed replica's lease runs out within
 * seconds and another replica, or the restarted one, resumes it), and only when no
 * older operation of the same server is pending, so one server's operations run in order.
 */
@ApplicationScoped
public class OperationRunner {
    private static final Logger LOG = Logger.getLogger(OperationRunner.class);
    /** How long a claim holds without renewal: a crashed replica's operations resume after at most this. */
    static final Duration LEASE = Duration.ofSeconds(20);
    /** This replica's identity on the leases it takes. */
    static final UUID OWNER = UUID.randomUUID();

    private final EntityManager em;
    private final OperationSteps steps;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final ExecutorService workers;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgflex-operation-timer");
        t.setDaemon(true);
        return t;
    });

    public OperationRunner(EntityManager em, OperationSteps steps, ProvisioningConfig config, Clock clock) {
        this.em = em;
        this.steps = steps;
        this.config = config;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(config.operationWorkers(), r -> {
            Thread t = new Thread(r, "pgflex-operation");
            t.setDaemon(true);
            return t;
        });
    }

    private Poller poller;

    void start(@Observes StartupEvent event) {
        poller = new Poller("pgflex-operations", config.operationPollInterval(), this::tick);
    }

    /** An operation was committed: start it now rather than at the next poll. */
    void accepted(@Observes(during = TransactionPhase.AFTER_SUCCESS) Operations.Accepted accepted) {
        if (poller != null) {
            poller.nudge();
        }
    }

    void tick() {
        try {
            renewLeases();
            while (running.size() < config.operationWorkers()) {
                UUID id = claim(running);
                if (id == null) {
                    return;
                }
                running.add(id);
                workers.submit(() -> {
                    try {
                        // a step that waits for something comes back then; meanwhile the worker takes other operations
                        steps.run(id).ifPresent(this::lookAgainAfter);
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "operation %s stopped unexpectedly; it resumes when its lease runs out", id);
                    } finally {
                        running.remove(id);
                        poller.nudge();
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warnf("operations not looked at: %s", e.getMessage());
        }
    }

    private void lookAgainAfter(Duration after) {
        try {
            timer.schedule(poller::nudge, after.toMillis() + 20, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: the operation resumes from its checkpoint on the next start
        }
    }

    /** Keeps the claims of the operations this replica is running (renewed every poll, well inside the lease). */
    void renewLeases() {
        if (running.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createQuery("UPDATE OperationEntity o SET o.leaseUntil = :until"
                        + " WHERE o.id IN :ids AND o.status = :status AND o.leaseUntil < :soon AND o.leaseOwner = :owner")
                .setParameter("until", clock.instant().plus(LEASE))
                .setParameter("ids", List.copyOf(running))
                .setParameter("status", OperationStatus.InProgress)
                .setParameter("soon", clock.instant().plus(LEASE.dividedBy(2)))
                .setParameter("owner", OWNER)
                .executeUpdate());
    }

    /**
     * Leases the oldest runnable operation, or returns null; never one of {@code busy} (a worker of this replica may
     * still be finishing its previous run after giving it back).
     */
    UUID claim(Set<UUID> busy) {
        List<UUID> excluded = busy.isEmpty() ? List.of(new UUID(0, 0)) : List.copyOf(busy);
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object> ids = em.createNativeQuery("""
                    UPDATE operations SET lease_until = ?1, lease_owner = ?3 WHERE id = (
                      SELECT o.id FROM operations o
                       WHERE o.status = 'InProgress' AND (o.lease_until IS NULL OR o.lease_until < ?2) AND o.id NOT IN (?4)
                         AND NOT EXISTS (SELECT 1 FROM operations p WHERE p.server_id = o.server_id
                                          AND p.status = 'InProgress' AND (p.started_at, p.id) < (o.started_at, o.id))
                       ORDER BY o.started_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING id""")
                    .setParameter(1, clock.instant().plus(LEASE))
                    .setParameter(2, clock.instant())
                    .setParameter(3, OWNER)
                    .setParameter(4, excluded)
                    .getResultList();
            return ids.isEmpty() ? null : (UUID) ids.get(0);
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.close();
        }
        workers.shutdownNow();
        timer.shutdownNow();
    }
}
