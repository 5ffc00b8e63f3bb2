package io.pgflex.agent.lifecycle;

import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.fencing.HaLease;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * After a host or agent restart: every instance whose spec wants it running is started again (unless fenced, or a
 * synchronous primary ha-service has not confirmed since), and the probe role's password is set on the primaries.
 */
@ApplicationScoped
public class AfterRestart {
    private static final Logger LOG = Logger.getLogger(AfterRestart.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSetup setup;
    private final PgCtl pgctl;
    private final EngineCatalogue engines;
    private final PgBouncerManager pgbouncer;
    private final HaLease lease;

    public AfterRestart(InstanceStore store, InstanceManager manager, InstanceSetup setup, PgCtl pgctl,
                        EngineCatalogue engines, PgBouncerManager pgbouncer, HaLease lease) {
        this.store = store;
        this.manager = manager;
        this.setup = setup;
        this.pgctl = pgctl;
        this.engines = engines;
        this.pgbouncer = pgbouncer;
        this.lease = lease;
    }

    /** Starts every instance whose spec wants it running. */
    public void run() {
        for (InstanceRecord record : store.records()) {
            if (record.spec() != null && record.spec().desiredState() == DesiredState.Running
                    && record.state() != InstanceState.Failed && !store.running(record.instanceId())) {
                if (Files.exists(store.layout(record.instanceId()).fencedMark())
                        || !lease.mayStart(record.instanceId(), store.replication(record.instanceId()).orElse(null))) {
                    LOG.warnf("instance %s: not started: it is fenced, or a synchronous primary that ha-service has not"
                            + " confirmed since this agent started (it may have been failed over)", record.instanceId());
                    continue;
                }
                try {
                    synchronized (manager.lockOf(record.instanceId())) {
                        LOG.infof("instance %s should run: starting it", record.instanceId());
                        InstanceLayout layout = store.layout(record.instanceId());
                        pgctl.ensureRunning(layout, record, engines.of(record.engineVersion()), false);
                        pgbouncer.apply(layout, record);
                    }
                } catch (RuntimeException | SQLException e) {
                    LOG.errorf("instance %s did not start: %s", record.instanceId(), e.getMessage());
                }
            }
        }
        probeRolesOfRunningPrimaries();
    }

    /**
     * The probe role's password on every running primary, from this agent's probe secret: PostgreSQL
     * outlives an agent restart, so a new secret (a rotation, an upgrade) reaches the primaries
     * here rather than at their next apply, which may be far off.
     */
    private void probeRolesOfRunningPrimaries() {
        for (InstanceRecord record : store.records()) {
            if (record.spec() == null || record.state() != InstanceState.Running || !store.running(record.instanceId())
                    || manager.standby(record.instanceId())) {
                continue;
            }
            try {
                synchronized (manager.lockOf(record.instanceId())) {
                    setup.ensureProbeRole(store.layout(record.instanceId()), record);
                }
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("instance %s: probe role not set: %s", record.instanceId(), e.getMessage());
            }
        }
    }
}
