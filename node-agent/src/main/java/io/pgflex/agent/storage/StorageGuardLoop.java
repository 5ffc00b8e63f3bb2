package io.pgflex.agent.storage;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;

/**
 * Runs {@link StorageGuard} over this host's running instances: measures each data directory,
 * and at the limit marks the instance ({@code storage-blocked}), writes pg_hba.conf without tenant
 * lines (a reload) and ends the tenants' sessions; once the storage grew, removes the mark again.
 * The mark outlives an agent restart, so a restarted agent does not let tenants in early.
 */
@ApplicationScoped
public class StorageGuardLoop {
    private static final Logger LOG = Logger.getLogger(StorageGuardLoop.class);
    private final AgentConfig config;
    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSql sql;

    public StorageGuardLoop(AgentConfig config, InstanceStore store, InstanceManager manager, InstanceSql sql) {
        this.config = config;
        this.store = store;
        this.manager = manager;
        this.sql = sql;
    }

    @Scheduled(every = "${pgflex.agent.storage-guard-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        for (InstanceRecord seen : store.records()) {
            if (seen.spec() == null || seen.spec().desiredState() != DesiredState.Running || !store.running(seen.instanceId())) {
                continue;
            }
            try {
                check(seen.instanceId());
            } catch (RuntimeException e) {
                LOG.warnf("instance %s: storage guard: %s", seen.instanceId(), e.getMessage());
            }
        }
    }

    /**
     * Measures one instance and acts on the decision; returns it. Every step can be run again: the
     * mark says what is wanted, and each cycle brings pg_hba.conf (and the running server) in line
     * with it, so a crash or a failed reload between the two is mended on the next cycle; while
     * blocked, tenant sessions that slipped in are ended again.
     */
    public StorageGuard.Decision check(String instanceId) {
        InstanceLayout layout = store.layout(instanceId);
        if (store.read(instanceId).map(r -> r.spec() == null).orElse(true)) {
            return new StorageGuard.Decision(StorageGuard.Action.NONE, "no such instance");
        }
        if (blocked(layout)) {
            checkpoint(layout, instanceId); // WAL that a checkpoint frees counts no more
        }
        return manager.locked(instanceId, () -> {
            InstanceRecord record = store.read(instanceId).orElse(null);
            if (record == null || record.spec() == null) {
                return new StorageGuard.Decision(StorageGuard.Action.NONE, "no such instance");
            }
            long used = DirectorySize.bytes(layout.pgdata(), layout.pgdata().resolve("pg_wal"))[0];
            long limit = (long) record.spec().storageSizeGb() * config.storageUnitBytes();
            StorageGuard.Decision d = StorageGuard.decide(used, limit, config.storageLimitPercent(),
                    !manager.standby(instanceId), blocked(layout));
            switch (d.action()) {
                case BLOCK -> OsCommands.writeIfChanged(layout.storageBlockedMark(), d.reason() + "\n",
                        PosixFilePermissions.fromString("rw-------"), config.dataRoot().resolve(".staging"));
                case UNBLOCK -> {
                    try {
                        Files.deleteIfExists(layout.storageBlockedMark());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                case NONE -> {
                }
            }
            if (d.action() != StorageGuard.Action.NONE) {
                LOG.warnf("instance %s: storage guard: %s", instanceId, d.reason());
            }
            if (d.action() != StorageGuard.Action.NONE || manager.accessPending(instanceId)) {
                manager.applyAccess(instanceId); // pg_hba without (or with) tenants, reloaded
            }
            if (blocked(layout)) {
                endTenantSessions(layout, record.port());
            }
            return d;
        });
    }

    private static boolean blocked(InstanceLayout layout) {
        return Files.exists(layout.storageBlockedMark(), LinkOption.NOFOLLOW_LINKS);
    }

    private void checkpoint(InstanceLayout layout, String instanceId) {
        int port = store.read(instanceId).map(InstanceRecord::port).orElse(0);
        try (Connection c = sql.connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            LOG.debugf("instance %s: no checkpoint: %s", instanceId, e.getMessage());
        }
    }

    /** Ends every session of a role that is not pgflex's own (pooled PgBouncer sessions included). */
    private void endTenantSessions(InstanceLayout layout, int port) {
        try (Connection c = sql.connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid() AND usename NOT IN ('" + HbaConf.AGENT_ROLE + "', '" + HbaConf.PGBOUNCER_ROLE
                    + "', '" + HbaConf.PROBE_ROLE + "', '" + HbaConf.REPLICATION_ROLE + "')");
        } catch (SQLException e) {
            throw new IllegalStateException("tenant sessions not ended: " + e.getMessage(), e);
        }
    }
}
