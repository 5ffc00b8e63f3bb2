package io.pgflex.agent.api;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.pgflex.agent.pgbouncer.PgBouncerSettings;
import io.pgflex.agent.router.Router;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.DatabaseSpec;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.contracts.agent.ParameterInfo;
import io.pgflex.contracts.agent.RouteStatus;
import io.smallrye.common.annotation.Blocking;
import java.util.List;

/** The node agent's HTTP API (contract in {@link NodeAgentApi}); every call needs the agent bearer token. */
@Blocking
public class AgentResource implements NodeAgentApi {
    static final String VERSION = "0.1.0";

    private final AgentConfig config;
    private final EngineCatalogue engines;
    private final InstanceStore instances;
    private final InstanceManager manager;
    private final InstanceSql sql;
    private final PgBouncerManager pgbouncer;
    private final Router router;
    private final io.pgflex.agent.health.AgentCheckServer checks;
    private final io.pgflex.agent.replication.ReplicationManager replication;
    private final io.pgflex.agent.backup.BaseBackups backups;
    private final io.pgflex.agent.backup.Restores restores;
    private final io.pgflex.agent.backup.WalSwitches walSwitches;
    private final io.pgflex.agent.backup.Sanity sanity;
    private final io.pgflex.agent.lifecycle.EngineSwitch engineSwitch;

    public AgentResource(AgentConfig config, EngineCatalogue engines, InstanceStore instances, InstanceManager manager,
                         InstanceSql sql, PgBouncerManager pgbouncer, Router router,
                         io.pgflex.agent.health.AgentCheckServer checks,
                         io.pgflex.agent.replication.ReplicationManager replication,
                         io.pgflex.agent.backup.BaseBackups backups, io.pgflex.agent.backup.Restores restores,
                         io.pgflex.agent.backup.WalSwitches walSwitches,
                         io.pgflex.agent.backup.Sanity sanity, io.pgflex.agent.lifecycle.EngineSwitch engineSwitch) {
        this.engineSwitch = engineSwitch;
        this.backups = backups;
        this.restores = restores;
        this.walSwitches = walSwitches;
        this.sanity = sanity;
        this.checks = checks;
        this.replication = replication;
        this.pgbouncer = pgbouncer;
        this.router = router;
        this.config = config;
        this.engines = engines;
        this.instances = instances;
        this.manager = manager;
        this.sql = sql;
    }

    @Override
    public AgentInfo info() {
        return new AgentInfo(config.id(), config.zone(), config.dataRoot().toAbsolutePath().toString(), VERSION,
                engines.engines(), instances.instanceIds().size(), checks.port());
    }

    @Override
    public InstanceStatus apply(String instanceId, InstanceSpec spec) {
        return manager.apply(instanceId, spec);
    }

    @Override
    public InstanceStatus get(String instanceId) {
        return manager.get(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
    }

    @Override
    public List<InstanceStatus> list() {
        return manager.list();
    }

    @Override
    public InstanceStatus restart(String instanceId) {
        return manager.restart(instanceId);
    }

    @Override
    public List<ParameterInfo> parameters(String instanceId) {
        return manager.withRunning(instanceId, (layout, record) -> {
            List<ParameterInfo> all = new java.util.ArrayList<>(sql.parameters(layout, record.port()));
            all.addAll(PgBouncerSettings.describe(record.spec().parameters()));
            return all;
        });
    }

    @Override
    public List<DatabaseSpec> databases(String instanceId) {
        return manager.withRunning(instanceId, (layout, record) -> sql.databases(layout, record.port()));
    }

    @Override
    public io.pgflex.contracts.agent.Collations collations(String instanceId) {
        return manager.withRunning(instanceId, (layout, record) -> sql.collations(layout, record.port()));
    }

    @Override
    public List<io.pgflex.contracts.agent.LogFileInfo> logFiles(String instanceId) {
        instances.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        return io.pgflex.agent.instances.ServerLogs.list(instances.layout(instanceId).log());
    }

    @Override
    public java.io.InputStream logFile(String instanceId, String file) {
        instances.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        return io.pgflex.agent.instances.ServerLogs.open(instances.layout(instanceId).log(), file)
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException("instance " + instanceId + " has no log file " + file));
    }

    @Override
    public DatabaseSpec createDatabase(String instanceId, String database,
                                                                 DatabaseSpec spec) {
        DatabaseSpec db = new DatabaseSpec(database,
                spec == null ? null : spec.charset(), spec == null ? null : spec.collation());
        return manager.withRunning(instanceId, (layout, record) -> {
            sql.createDatabase(layout, record.port(), record.spec().adminLogin(), db);
            if (PgBouncerSettings.enabled(record.spec().parameters())) {
                pgbouncer.ensureAuthLookup(layout, record.port()); // the new database needs PgBouncer's lookup function
            }
            return sql.databases(layout, record.port()).stream().filter(d -> d.name().equals(database)).findFirst()
                    .orElseThrow();
        });
    }

    @Override
    public void dropDatabase(String instanceId, String database) {
        manager.withRunning(instanceId, (layout, record) -> {
            sql.dropDatabase(layout, record.port(), Integer.parseInt(record.engineVersion().split("\\.")[0]), database);
            return null;
        });
    }

    @Override
    public List<RouteStatus> routes() {
        return router.statuses();
    }

    @Override
    public RouteStatus route(String serverId) {
        return router.status(serverId).orElseThrow(() -> new jakarta.ws.rs.NotFoundException(
                router.enabled() ? "this router has no endpoint for server " + serverId : "this agent is not a router"));
    }

    @Override
    public InstanceStatus delete(String instanceId) {
        return manager.delete(instanceId);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus replicate(String instanceId, io.pgflex.contracts.agent.ReplicationSpec spec) {
        return replication.replicate(instanceId, spec);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus replication(String instanceId) {
        return replication.status(instanceId, true);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus cloneFrom(String instanceId, io.pgflex.contracts.agent.CloneRequest request) {
        return replication.cloneFrom(instanceId, request);
    }

    @Override
    public long checkpoint(String instanceId) {
        return manager.withRunning(instanceId, (layout, record) -> {
            long started = System.nanoTime();
            try (java.sql.Connection c = sql.connect(layout, record.port(), "postgres"); java.sql.Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '60s'");
                s.execute("CHECKPOINT");
            }
            return (System.nanoTime() - started) / 1_000_000;
        });
    }

    @Override
    public io.pgflex.contracts.agent.EngineChangeResult changeEngine(String instanceId, io.pgflex.contracts.agent.EngineChange change) {
        return engineSwitch.change(instanceId, change);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus promote(String instanceId) {
        return replication.promote(instanceId);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus fence(String instanceId, io.pgflex.contracts.agent.FenceRequest request) {
        return replication.fence(instanceId, request);
    }

    @Override
    public io.pgflex.contracts.agent.ReplicationStatus rejoin(String instanceId, io.pgflex.contracts.agent.HaPeer upstream) {
        return replication.rejoin(instanceId, upstream);
    }

    @Override
    public io.pgflex.contracts.agent.BackupJob startBackup(String instanceId, io.pgflex.contracts.agent.BackupRequest request) {
        return backups.start(instanceId, request);
    }

    @Override
    public io.pgflex.contracts.agent.BackupJob backup(String instanceId, String backupId) {
        return backups.get(backupId).filter(j -> j.instanceId().equals(instanceId))
                .orElseThrow(() -> new jakarta.ws.rs.WebApplicationException(AgentErrors.error(404, "BackupNotFound",
                        "no base backup " + backupId + " of instance " + instanceId + " since this agent started")));
    }

    @Override
    public io.pgflex.contracts.agent.WalSwitch switchWal(String instanceId) {
        return walSwitches.switchWal(instanceId);
    }

    @Override
    public io.pgflex.contracts.agent.RestoreResult restore(String instanceId, io.pgflex.contracts.agent.RestoreRequest request) {
        return restores.restore(instanceId, request);
    }

    @Override
    public io.pgflex.contracts.agent.SanityReport sanity(String instanceId) {
        return sanity.check(instanceId);
    }
}
