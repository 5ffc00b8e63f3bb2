package io.pgflex.agent.lifecycle;

import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.fencing.HaLease;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.pgflex.agent.pgbouncer.PgBouncerSettings;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The watchdog: PostgreSQL (or its PgBouncer) that should run but does not — it crashed, or was killed — is started
 * again in place, with crash recovery, within {@code pgflex.agent.watchdog-interval} (200 ms; its own thread, see
 * {@code AgentStartup}) and the restart itself. A fenced instance is never started (the HA failover fenced it: it must
 * not come back as a primary); one that keeps failing to start is tried with a growing pause (up to a minute).
 */
@ApplicationScoped
public class Watchdog {
    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final PgCtl pgctl;
    private final EngineCatalogue engines;
    private final PgBouncerManager pgbouncer;
    private final HaLease lease;
    /** When each instance that failed to start again may be tried next, and the pause before that (seconds). */
    private final Map<String, long[]> restartBackoff = new ConcurrentHashMap<>();
    /** Since when each instance's dead postmaster waits to be reaped, and whether that was said. */
    private final Map<String, Long> unreaped = new ConcurrentHashMap<>();
    private final Set<String> unreapedSaid = ConcurrentHashMap.newKeySet();

    public Watchdog(InstanceStore store, InstanceManager manager, PgCtl pgctl, EngineCatalogue engines,
                    PgBouncerManager pgbouncer, HaLease lease) {
        this.store = store;
        this.manager = manager;
        this.pgctl = pgctl;
        this.engines = engines;
        this.pgbouncer = pgbouncer;
        this.lease = lease;
    }

    /** One pass over every instance. */
    public void run() {
        for (InstanceRecord seen : store.records()) {
            String id = seen.instanceId();
            if (!shouldRun(seen, store.layout(id))) {
                continue;
            }
            long[] backoff = restartBackoff.get(id);
            if (backoff != null && System.nanoTime() < backoff[0]) {
                continue;
            }
            synchronized (manager.lockOf(id)) {
                check(id, backoff);
            }
        }
    }

    private static boolean shouldRun(InstanceRecord r, InstanceLayout layout) {
        return r != null && r.spec() != null && r.spec().desiredState() == DesiredState.Running
                && r.state() == InstanceState.Running && !Files.exists(layout.fencedMark());
    }

    /** Under the instance's lock: starts what should run and does not. */
    private void check(String id, long[] backoff) {
        InstanceRecord record = store.read(id).orElse(null);
        InstanceLayout layout = store.layout(id);
        if (!shouldRun(record, layout)) {
            return; // changed meanwhile (stopped, deleted, fenced)
        }
        try {
            if (!store.running(id) && store.postmasterUnreaped(id)) {
                // dead, but PostgreSQL would take its lock file as held until init reaps it: next tick
                long since = unreaped.computeIfAbsent(id, k -> System.nanoTime());
                if (System.nanoTime() - since > 10_000_000_000L && unreapedSaid.add(id)) {
                    LOG.errorf("instance %s: its dead postmaster has not been reaped for 10 s (is there an init"
                            + " that reaps orphans?): PostgreSQL cannot start before it is", id);
                }
                return;
            }
            unreaped.remove(id);
            unreapedSaid.remove(id);
            if (!store.running(id) && !lease.mayStart(id, store.replication(id).orElse(null))) {
                LOG.warnf("instance %s: PostgreSQL does not run; not started again: a synchronous primary that"
                        + " ha-service has not confirmed for %d ms (it may be failing over)", id, lease.timeoutMillis());
                return;
            }
            if (!store.running(id)) {
                LOG.warnf("instance %s: PostgreSQL should run but does not; starting it again (crash recovery)", id);
                pgctl.ensureRunning(layout, record, engines.of(record.engineVersion()), false);
                LOG.infof("instance %s: PostgreSQL runs again", id);
            }
            if (PgBouncerSettings.enabled(record.spec().parameters()) && !pgbouncer.running(layout)) {
                LOG.warnf("instance %s: PgBouncer should run but does not; starting it again", id);
                pgbouncer.apply(layout, record);
            }
            restartBackoff.remove(id);
        } catch (RuntimeException | SQLException e) {
            long pause = backoff == null ? 2 : Math.min(60, backoff[1] * 2);
            restartBackoff.put(id, new long[] {System.nanoTime() + pause * 1_000_000_000L, pause});
            LOG.errorf("instance %s: not started again (%s); next try in %d s", id, e.getMessage(), pause);
        }
    }
}
