package io.pgflex.agent.lifecycle;


import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.fencing.HaLease;
import io.pgflex.agent.instances.FencedException;
import io.pgflex.agent.instances.InstanceException;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.PortAllocator;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.instances.ResourceLimits;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.Sku;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Brings an instance to its spec in re-runnable steps that each look at what is already there
 * (directory, data, certificate, configuration, process, admin role), so repeating a command or
 * resuming after a crash is harmless. One instance is changed by one caller at a time.
 *
 * <p>Why this long: every command that changes an instance's processes goes through here under the instance's lock
 * (apply, restart, start, stop, reconfigure, the access changes of the storage guard), so they cannot interleave.
 */
@ApplicationScoped
public class InstanceManager {
    private static final Logger LOG = Logger.getLogger(InstanceManager.class);

    private final AgentConfig config;
    private final InstanceStore store;
    private final PortAllocator ports;
    private final EngineCatalogue engines;
    private final InstanceSql sql;
    private final ResourceLimits limits;
    private final PgBouncerManager pgbouncer;
    private final HaLease lease;
    private final InstanceSetup setup;
    private final ConfigFiles files;
    private final PgCtl pgctl;
    private final InstanceStatuses statuses;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public InstanceManager(AgentConfig config, InstanceStore store, PortAllocator ports, EngineCatalogue engines,
                           InstanceSql sql, ResourceLimits limits, PgBouncerManager pgbouncer, HaLease lease,
                           InstanceSetup setup, ConfigFiles files, PgCtl pgctl, InstanceStatuses statuses) {
        this.config = config;
        this.store = store;
        this.ports = ports;
        this.engines = engines;
        this.sql = sql;
        this.limits = limits;
        this.pgbouncer = pgbouncer;
        this.lease = lease;
        this.setup = setup;
        this.files = files;
        this.pgctl = pgctl;
        this.statuses = statuses;
    }

    public InstanceStatus apply(String instanceId, InstanceSpec spec) {
        synchronized (lock(instanceId)) {
            InstanceLayout layout = store.layout(instanceId);
            Optional<InstanceRecord> existing = store.read(instanceId);
            // a new instance gets the minor asked for (or the newest of the major); an existing one keeps the minor it
            // runs: only a maintenance (changeEngine) moves it to another, never a converge or a restart
            EngineInfo engine = existing.map(r -> sameMajor(r, spec)).orElseGet(() -> engines.resolve(spec.engineVersion()));
            Sku sku = Sku.ofApiName(spec.skuName())
                    .orElseThrow(() -> new IllegalArgumentException("unknown SKU " + spec.skuName()));
            if (spec.desiredState() == DesiredState.Running && Files.exists(layout.fencedMark())) {
                throw new io.pgflex.agent.instances.FencedException(instanceId);
            }
            InstanceRecord record = existing.orElseGet(() -> register(instanceId, spec, engine.version(), "Primary"));
            record = record.withSpec(InstanceRecord.withoutSecret(spec), engine.version());
            store.write(record);
            try {
                // the reconcile steps, in order; each finds what an earlier run made and leaves it
                setup.initdbIfMissing(layout, engine, spec.serverName()); // 1. directories and data
                setup.tlsIfMissing(layout, spec.serverName()); // 2. certificate
                ConfigChange change = configure(layout, record, engine, sku); // 3. configuration (reloads)
                if (spec.desiredState() == DesiredState.Running) {
                    // 4. process, restarted when a setting needs it; its limits
                    pgctl.ensureRunning(layout, record, engine, change.action() == ConfigChange.Action.RESTART);
                    limits.apply(instanceId, layout, sku);
                    if (!standby(instanceId)) {
                        // 5. roles; they replicate: a standby gets them from its primary (and is read-only)
                        sql.ensureAdmin(layout, record.port(), engine.major(), spec.adminLogin(), spec.adminPasswordVerifier());
                        setup.ensureProbeRole(layout, record);
                    }
                    pgbouncer.apply(layout, record); // 6. PgBouncer
                    record = record.with(InstanceState.Running, null);
                } else {
                    pgbouncer.stop(layout, instanceId);
                    pgctl.stopIfRunning(layout, engine, "fast");
                    record = record.with(InstanceState.Stopped, null);
                }
            } catch (RuntimeException | SQLException e) {
                LOG.errorf("instance %s: %s", instanceId, e.getMessage());
                record = record.with(InstanceState.Failed, e.getMessage());
                store.write(record);
                throw new InstanceException(record.message(), e);
            }
            store.write(record);
            return statuses.of(record);
        }
    }

    private EngineInfo sameMajor(InstanceRecord record, InstanceSpec spec) {
        String major = record.engineVersion().split("\\.")[0];
        if (!spec.engineVersion().split("\\.")[0].equals(major)) {
            throw new IllegalArgumentException("instance " + record.instanceId() + " runs PostgreSQL " + record.engineVersion()
                    + ": a change to major " + spec.engineVersion() + " is not done in place");
        }
        return engines.of(record.engineVersion());
    }

    public Optional<InstanceStatus> get(String instanceId) {
        return store.read(instanceId).map(statuses::of);
    }

    public List<InstanceStatus> list() {
        return store.records().stream().map(statuses::of).toList();
    }

    public InstanceStatus restart(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.of(record.engineVersion());
            if (Files.exists(layout.fencedMark())) {
                throw new io.pgflex.agent.instances.FencedException(instanceId);
            }
            LOG.infof("instance %s: restarting", instanceId);
            pgctl.stopIfRunning(layout, engine, "fast");
            pgctl.ensureRunning(layout, record, engine, false);
            return statuses.of(record.with(InstanceState.Running, null));
        }
    }

    public InstanceStatus delete(String instanceId) {
        synchronized (lock(instanceId)) {
            Optional<InstanceRecord> record = store.read(instanceId);
            InstanceLayout layout = store.layout(instanceId);
            pgbouncer.stop(layout, instanceId);
            if (Files.exists(layout.pgdata()) && store.running(instanceId)) {
                String version = record.map(InstanceRecord::engineVersion).orElse(null);
                pgctl.stopIfRunning(layout, version == null ? engines.any() : engines.of(version), "immediate");
            }
            limits.remove(instanceId);
            OsCommands.deleteTree(layout.root());
            LOG.infof("instance %s: deleted with its data", instanceId);
            return new InstanceStatus(instanceId, record.map(InstanceRecord::serverId).orElse(null), InstanceState.Deleted,
                    config.advertisedHost(), record.map(InstanceRecord::port).orElse(0),
                    record.map(InstanceRecord::engineVersion).orElse(null), null, null, 0, false, null);
        }
    }

    /** Runs {@code work} against the running instance; fails clearly when it does not run. */
    public <T> T withRunning(String instanceId, SqlWork<T> work) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        if (!store.running(instanceId)) {
            throw new InstanceNotRunningException(instanceId);
        }
        try {
            return work.run(store.layout(instanceId), record);
        } catch (SQLException e) {
            throw new InstanceException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(InstanceLayout layout, InstanceRecord record) throws SQLException;
    }

    /** Whether ha-service made the instance a standby. */
    public boolean standby(String instanceId) {
        return store.replication(instanceId).map(ReplicationState::standby).orElse(false);
    }

    /** Writes the configuration again (reloading a running server when it changed): after a replication change. */
    public void reconfigure(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.of(record.engineVersion());
            Sku sku = Sku.ofApiName(record.spec().skuName()).orElseThrow();
            configure(layout, record, engine, sku);
        }
    }

    /**
     * Writes the configuration again and makes sure the running server took in its pg_hba.conf —
     * reloading even while a restart-only setting is pending (a reload never hurts those) — for
     * changes of who may connect (the storage guard).
     */
    public void applyAccess(String instanceId) {
        synchronized (lock(instanceId)) {
            reconfigure(instanceId);
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            if (store.running(instanceId) && files.hbaPending(layout)) {
                LOG.infof("instance %s: pg_hba.conf changed, reloading", instanceId);
                pgctl.reload(layout, engines.of(record.engineVersion()));
                files.hbaApplied(layout);
            }
        }
    }

    /**
     * Whether who may connect is not yet what the storage guard's mark says: pg_hba.conf on disk
     * disagrees with the mark, or the running server has not taken in the file on disk.
     */
    public boolean accessPending(String instanceId) {
        InstanceLayout layout = store.layout(instanceId);
        return files.hbaRefusesTenants(layout) // no pg_hba.conf yet: the instance's own apply writes it
                .map(refused -> refused != Files.exists(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || store.running(instanceId) && files.hbaPending(layout))
                .orElse(false);
    }

    /** Starts the instance's PostgreSQL (and PgBouncer) if it does not run. */
    public void start(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.of(record.engineVersion());
            setup.tlsIfMissing(layout, record.spec().serverName()); // a restored instance gets its own certificate
            configure(layout, record, engine, Sku.ofApiName(record.spec().skuName()).orElseThrow());
            pgctl.ensureRunning(layout, record, engine, false);
            try {
                pgbouncer.apply(layout, record);
            } catch (SQLException e) {
                throw new InstanceException(e.getMessage(), e);
            }
        }
    }

    /**
     * Starts the instance on {@code engine} with its configuration written for it, under a lock the caller holds (a
     * maintenance's patch); waits until PostgreSQL accepts connections.
     */
    void startUnlocked(String instanceId, EngineInfo engine) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        InstanceLayout layout = store.layout(instanceId);
        files.write(layout, record, engine, Sku.ofApiName(record.spec().skuName()).orElseThrow());
        pgctl.ensureRunning(layout, record, engine, false);
    }

    /** Stops at once without waiting for the instance's lock (fencing: whatever else runs on it). */
    public void stopUnlocked(String instanceId, String mode) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        InstanceLayout layout = store.layout(instanceId);
        pgbouncer.stop(layout, instanceId);
        pgctl.stopIfRunning(layout, engines.of(record.engineVersion()), mode);
    }

    /** Runs {@code work} holding the instance's lock (no other command changes it meanwhile). */
    public <T> T locked(String instanceId, java.util.function.Supplier<T> work) {
        synchronized (lock(instanceId)) {
            return work.get();
        }
    }

    /** A new instance's record on a free port: a new server's, or one whose data came from elsewhere (a clone, a restore). */
    public InstanceRecord register(String instanceId, InstanceSpec spec, String engineVersion, String role) {
        synchronized (ports) {
            int port = ports.allocate();
            LOG.infof("instance %s for server %s (%s): %s, PostgreSQL %s on port %d", instanceId, spec.serverName(),
                    spec.serverId(), role.toLowerCase(), engineVersion, port);
            InstanceRecord record = new InstanceRecord(instanceId, spec.serverId(), spec.subscriptionId(), role, port,
                    engineVersion, InstanceState.Creating, InstanceRecord.withoutSecret(spec), null);
            store.write(record);
            return record;
        }
    }

    /** Writes the configuration; a running server reloads when that takes it in (a restart is the caller's). */
    private ConfigChange configure(InstanceLayout layout, InstanceRecord record, EngineInfo engine, Sku sku) {
        ConfigFiles.Written written = files.write(layout, record, engine, sku);
        if (written.change().action() == ConfigChange.Action.RELOAD && store.running(record.instanceId())) {
            LOG.infof("instance %s: configuration changed, reloading (%s)", record.instanceId(), written.change().reason());
            pgctl.reload(layout, engine);
            files.applied(layout, written.settings());
        }
        return written.change();
    }

    /** The instance's lock, for the lifecycle's other loops (the watchdog, the start after a restart). */
    Object lockOf(String instanceId) {
        return lock(instanceId);
    }

    private Object lock(String instanceId) {
        return locks.computeIfAbsent(instanceId, k -> new Object());
    }


}
