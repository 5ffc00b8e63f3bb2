package io.pgflex.agent.instances;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.config.PostgresConf;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.agent.tls.TlsMaterial;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;
import io.pgflex.contracts.agent.Sku;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Brings an instance to its spec in re-runnable steps that each look at what is already there
 * (directory, data, certificate, configuration, process, admin role), so repeating a command or
 * resuming after a crash is harmless. One instance is changed by one caller at a time.
 */
@ApplicationScoped
public class InstanceManager {
    private static final Logger LOG = Logger.getLogger(InstanceManager.class);

    private final AgentConfig config;
    private final InstanceStore store;
    private final PortAllocator ports;
    private final EngineCatalogue engines;
    private final OsCommands os;
    private final InstanceSql sql;
    private final ResourceLimits limits;
    private final io.pgflex.agent.pgbouncer.PgBouncerManager pgbouncer;
    private final io.pgflex.agent.replication.HaLease lease;
    private final io.pgflex.agent.backup.WalArchive wal;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public InstanceManager(AgentConfig config, InstanceStore store, PortAllocator ports, EngineCatalogue engines,
                           OsCommands os, InstanceSql sql, ResourceLimits limits,
                           io.pgflex.agent.pgbouncer.PgBouncerManager pgbouncer,
                           io.pgflex.agent.replication.HaLease lease, io.pgflex.agent.backup.WalArchive wal) {
        this.pgbouncer = pgbouncer;
        this.wal = wal;
        this.lease = lease;
        this.config = config;
        this.store = store;
        this.ports = ports;
        this.engines = engines;
        this.os = os;
        this.sql = sql;
        this.limits = limits;
    }

    public InstanceStatus apply(String instanceId, InstanceSpec spec) {
        synchronized (lock(instanceId)) {
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.resolve(spec.engineVersion());
            Sku sku = Sku.ofApiName(spec.skuName())
                    .orElseThrow(() -> new IllegalArgumentException("unknown SKU " + spec.skuName()));
            if (spec.desiredState() == DesiredState.Running && Files.exists(layout.fencedMark())) {
                throw new io.pgflex.agent.replication.ReplicationManager.FencedException(instanceId);
            }
            InstanceRecord record = store.read(instanceId).orElseGet(() -> created(instanceId, spec, engine));
            record = record.withSpec(withoutSecret(spec), engine.version());
            store.write(record);
            try {
                initdbIfMissing(layout, engine, spec.serverName());
                tlsIfMissing(layout, spec.serverName());
                boolean restartNeeded = writeConfig(layout, record, engine, sku);
                if (spec.desiredState() == DesiredState.Running) {
                    ensureRunning(layout, record, engine, restartNeeded);
                    limits.apply(instanceId, layout, sku);
                    if (!standby(instanceId)) {
                        // roles replicate: a standby gets them from its primary (and is read-only)
                        sql.ensureAdmin(layout, record.port(), engine.major(), spec.adminLogin(), spec.adminPasswordVerifier());
                        ensureProbeRole(layout, record);
                    }
                    pgbouncer.apply(layout, record);
                    record = record.with(InstanceState.Running, null);
                } else {
                    pgbouncer.stop(layout, instanceId);
                    stopIfRunning(layout, engine, "fast");
                    record = record.with(InstanceState.Stopped, null);
                }
            } catch (RuntimeException | SQLException e) {
                LOG.errorf("instance %s: %s", instanceId, e.getMessage());
                record = record.with(InstanceState.Failed, e.getMessage());
                store.write(record);
                throw new InstanceException(record.message(), e);
            }
            store.write(record);
            return status(record);
        }
    }

    public Optional<InstanceStatus> get(String instanceId) {
        return store.read(instanceId).map(this::status);
    }

    public List<InstanceStatus> list() {
        return store.records().stream().map(this::status).toList();
    }

    public InstanceStatus restart(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.resolve(record.engineVersion().split("\\.")[0]);
            if (Files.exists(layout.fencedMark())) {
                throw new io.pgflex.agent.replication.ReplicationManager.FencedException(instanceId);
            }
            LOG.infof("instance %s: restarting", instanceId);
            stopIfRunning(layout, engine, "fast");
            ensureRunning(layout, record, engine, false);
            return status(record.with(InstanceState.Running, null));
        }
    }

    public InstanceStatus delete(String instanceId) {
        synchronized (lock(instanceId)) {
            Optional<InstanceRecord> record = store.read(instanceId);
            InstanceLayout layout = store.layout(instanceId);
            pgbouncer.stop(layout, instanceId);
            if (Files.exists(layout.pgdata()) && store.running(instanceId)) {
                String major = record.map(r -> r.engineVersion().split("\\.")[0]).orElse(null);
                stopIfRunning(layout, major == null ? engines.any() : engines.resolve(major), "immediate");
            }
            limits.remove(instanceId);
            deleteTree(layout.root());
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

    /** Starts every instance whose spec wants it running: after a host or agent restart. */
    public void startDesired() {
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
                    synchronized (lock(record.instanceId())) {
                        LOG.infof("instance %s should run: starting it", record.instanceId());
                        InstanceLayout layout = store.layout(record.instanceId());
                        ensureRunning(layout, record, engines.resolve(record.engineVersion().split("\\.")[0]), false);
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
                    || standby(record.instanceId())) {
                continue;
            }
            try {
                synchronized (lock(record.instanceId())) {
                    ensureProbeRole(store.layout(record.instanceId()), record);
                }
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("instance %s: probe role not set: %s", record.instanceId(), e.getMessage());
            }
        }
    }

    /** The server's probe role with its password from this agent's probe secret. */
    private void ensureProbeRole(InstanceLayout layout, InstanceRecord record) throws SQLException {
        sql.ensureProbeRole(layout, record.port(), io.pgflex.contracts.agent.Probes.password(config.probeSecret(), record.serverId()));
    }

    /** When each instance that failed to start again may be tried next (exponential backoff). */
    private final Map<String, long[]> restartBackoff = new ConcurrentHashMap<>();
    /** Since when each instance's dead postmaster waits to be reaped, and whether that was said. */
    private final Map<String, Long> unreaped = new ConcurrentHashMap<>();
    private final java.util.Set<String> unreapedSaid = ConcurrentHashMap.newKeySet();

    /**
     * The watchdog: PostgreSQL (or its PgBouncer) that should run but does not — it crashed, or was
     * killed — is started again in place, with crash recovery, within {@code pgflex.agent.watchdog-interval}
     * (200 ms; its own thread, {@link io.pgflex.agent.AgentStartup}) and the restart itself. A fenced
     * instance is never started (the HA failover fenced it: it must not come back as a primary);
     * one that keeps failing to start is tried with a growing pause (up to a minute).
     */
    public void watchdog() {
        for (InstanceRecord seen : store.records()) {
            String id = seen.instanceId();
            if (seen.spec() == null || seen.spec().desiredState() != DesiredState.Running || seen.state() != InstanceState.Running
                    || Files.exists(store.layout(id).fencedMark())) {
                continue;
            }
            long[] backoff = restartBackoff.get(id);
            if (backoff != null && System.nanoTime() < backoff[0]) {
                continue;
            }
            synchronized (lock(id)) {
                InstanceRecord record = store.read(id).orElse(null);
                InstanceLayout layout = store.layout(id);
                if (record == null || record.spec() == null || record.spec().desiredState() != DesiredState.Running
                        || record.state() != InstanceState.Running || Files.exists(layout.fencedMark())) {
                    continue; // changed meanwhile (stopped, deleted, fenced)
                }
                try {
                    if (!store.running(id) && store.postmasterUnreaped(id)) {
                        // dead, but PostgreSQL would take its lock file as held until init reaps it: next tick
                        long since = unreaped.computeIfAbsent(id, k -> System.nanoTime());
                        if (System.nanoTime() - since > 10_000_000_000L && unreapedSaid.add(id)) {
                            LOG.errorf("instance %s: its dead postmaster has not been reaped for 10 s (is there an init"
                                    + " that reaps orphans?): PostgreSQL cannot start before it is", id);
                        }
                        continue;
                    }
                    unreaped.remove(id);
                    unreapedSaid.remove(id);
                    if (!store.running(id) && !lease.mayStart(id, store.replication(id).orElse(null))) {
                        LOG.warnf("instance %s: PostgreSQL does not run; not started again: a synchronous primary that"
                                + " ha-service has not confirmed for %d ms (it may be failing over)", id, lease.timeoutMillis());
                        continue;
                    }
                    if (!store.running(id)) {
                        LOG.warnf("instance %s: PostgreSQL should run but does not; starting it again (crash recovery)", id);
                        ensureRunning(layout, record, engines.resolve(record.engineVersion().split("\\.")[0]), false);
                        LOG.infof("instance %s: PostgreSQL runs again", id);
                    }
                    if (io.pgflex.agent.pgbouncer.PgBouncerSettings.enabled(record.spec().parameters())
                            && !pgbouncer.running(layout)) {
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
    }

    InstanceStatus status(InstanceRecord r) {
        InstanceState state = r.state();
        if (state == InstanceState.Running && !store.running(r.instanceId())) {
            state = InstanceState.Stopped;
        }
        boolean bouncer = state == InstanceState.Running && pgbouncer.running(store.layout(r.instanceId()));
        return new InstanceStatus(r.instanceId(), r.serverId(), state, config.advertisedHost(), r.port(), r.engineVersion(),
                limits.describe(), storageBlocked(store.layout(r.instanceId())).orElse(r.message()),
                io.pgflex.agent.pgbouncer.PgBouncerManager.port(r), bouncer,
                caCertificate(store.layout(r.instanceId())));
    }

    /** Why the storage guard refuses the instance's tenants, while it does. */
    private static Optional<String> storageBlocked(InstanceLayout layout) {
        try (var ch = Files.newByteChannel(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
             var in = java.nio.channels.Channels.newInputStream(ch)) {
            return Optional.of(new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The server's CA certificate (public), as clients verify the server with; null before it exists. */
    private static String caCertificate(InstanceLayout layout) {
        // the directory is the postgres user's: open without following a link, publish only a certificate
        try (var ch = Files.newByteChannel(layout.tls().resolve("ca.crt"), java.nio.file.LinkOption.NOFOLLOW_LINKS);
             var in = java.nio.channels.Channels.newInputStream(ch)) {
            String pem = new String(in.readNBytes(16_384), java.nio.charset.StandardCharsets.US_ASCII);
            return pem.matches("(?s)-----BEGIN CERTIFICATE-----\\n[A-Za-z0-9+/=\\n]+-----END CERTIFICATE-----\\n?") ? pem : null;
        } catch (IOException e) {
            return null;
        }
    }

    private InstanceRecord created(String instanceId, InstanceSpec spec, EngineInfo engine) {
        synchronized (ports) {
            int port = ports.allocate();
            LOG.infof("instance %s for server %s (%s): PostgreSQL %s on port %d", instanceId, spec.serverName(),
                    spec.serverId(), engine.version(), port);
            InstanceRecord record = new InstanceRecord(instanceId, spec.serverId(), spec.subscriptionId(), "Primary", port,
                    engine.version(), InstanceState.Creating, withoutSecret(spec), null);
            store.write(record);
            return record;
        }
    }

    private static InstanceSpec withoutSecret(InstanceSpec s) {
        return new InstanceSpec(s.operationId(), s.serverId(), s.subscriptionId(), s.serverName(), s.engineVersion(),
                s.skuName(), s.storageSizeGb(), s.adminLogin(), null, s.parameters(), s.firewallRules(),
                s.publicNetworkAccess(), s.desiredState());
    }

    private void initdbIfMissing(InstanceLayout layout, EngineInfo engine, String serverName) {
        if (Files.exists(layout.pgdata().resolve("PG_VERSION"))) {
            return;
        }
        Path tmp = layout.root().resolve("pgdata.initdb");
        deleteTree(tmp);
        mkdirs(layout.root(), layout.log(), layout.conf(), tmp);
        os.chownToPostgres(layout.root());
        LOG.infof("instance %s: initdb (PostgreSQL %s, data checksums, SCRAM)", layout.root().getFileName(), engine.version());
        os.runAsPostgres(layout.root(), Map.of(), 120, Path.of(engine.binDir(), "initdb").toString(),
                "-D", tmp.toString(), "-U", HbaConf.AGENT_ROLE, "-E", "UTF8", "--locale=C.UTF-8", "--data-checksums",
                "--auth-local=trust", "--auth-host=reject", "--no-instructions");
        try {
            Files.move(tmp, layout.pgdata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void tlsIfMissing(InstanceLayout layout, String serverName) {
        if (Files.exists(layout.tls().resolve("server.key")) && Files.exists(layout.tls().resolve("server.crt"))) {
            os.chownToPostgres(layout.tls());
            return;
        }
        TlsMaterial.write(layout.tls(), serverName,
                List.of(config.advertisedHost(), serverName, "localhost"), List.of("127.0.0.1"), Duration.ofDays(825));
        os.chownToPostgres(layout.tls());
    }

    /** Writes postgresql.conf and pg_hba.conf when they changed; returns whether a restart is needed. */
    private boolean writeConfig(InstanceLayout layout, InstanceRecord record, EngineInfo engine, Sku sku) {
        InstanceSpec spec = record.spec();
        PostgresConf.Rendered conf = PostgresConf.render(new PostgresConf.Input(engine.major(), sku, spec.storageSizeGb(), record.port(),
                config.listenAddresses(), layout.run().toString(), layout.tls().toString(), layout.hbaConf().toString(),
                layout.log().toString(), withArchiving(layout, record.instanceId(),
                        withReplication(layout, record.instanceId(), postgresParameters(spec))),
                hostParameters(layout)));
        String hba = HbaConf.render(spec.firewallRules() == null ? List.of() : spec.firewallRules(), spec.publicNetworkAccess(),
                config.routerAddresses(), config.platformAddresses(),
                !Files.exists(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        // settings.applied records what the running server last took in (written after its reload or
        // start succeeded), so a reload or restart lost to a crash is done on the next apply
        Map<String, String> before = readSettings(layout.conf().resolve("settings.applied"));
        OsCommands.writeIfChanged(layout.postgresqlConf(), conf.content());
        OsCommands.writeIfChanged(layout.hbaConf(), hba);
        os.chownToPostgres(layout.conf());
        Map<String, String> now = written(layout);
        boolean restart = !before.isEmpty() && PostgresConf.RESTART_PARAMETERS.stream()
                .anyMatch(k -> !java.util.Objects.equals(before.get(k), now.get(k)));
        if (store.running(record.instanceId()) && !restart && !now.equals(before)) {
            LOG.infof("instance %s: configuration changed, reloading", record.instanceId());
            os.runAsPostgres(layout.root(), Map.of(), 30, Path.of(engine.binDir(), "pg_ctl").toString(),
                    "-D", layout.pgdata().toString(), "reload");
            writeSettings(layout.conf().resolve("settings.applied"), now);
        }
        return restart;
    }

    private void ensureRunning(InstanceLayout layout, InstanceRecord record, EngineInfo engine, boolean restartNeeded) {
        if (store.running(record.instanceId())) {
            if (!restartNeeded) {
                return;
            }
            LOG.infof("instance %s: a parameter that needs a restart changed", record.instanceId());
            stopIfRunning(layout, engine, "fast");
        }
        LOG.infof("instance %s: starting PostgreSQL on port %d", record.instanceId(), record.port());
        Path startupLog = layout.log().resolve("startup.log");
        try {
            os.runAsPostgres(layout.root(), Map.of(), 90, Path.of(engine.binDir(), "pg_ctl").toString(),
                    "-D", layout.pgdata().toString(), "-w", "-t", "60", "-l", startupLog.toString(),
                    "-o", "-c config_file=" + layout.postgresqlConf(), "start");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("PostgreSQL did not start: " + lastLines(newestLog(layout.log()), 5), e);
        }
        writeSettings(layout.conf().resolve("settings.applied"), written(layout));
    }

    private void stopIfRunning(InstanceLayout layout, EngineInfo engine, String mode) {
        if (!store.running(layout.root().getFileName().toString())) {
            return;
        }
        LOG.infof("instance %s: stopping PostgreSQL (-m %s)", layout.root().getFileName(), mode);
        os.runAsPostgres(layout.root(), Map.of(), 90, Path.of(engine.binDir(), "pg_ctl").toString(),
                "-D", layout.pgdata().toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    /** The server log written last (the logging collector's file, or startup.log before the collector ran). */
    private static Path newestLog(Path logDir) {
        try (var files = Files.list(logDir)) {
            return files.filter(Files::isRegularFile)
                    .max(java.util.Comparator.comparing(f -> f.toFile().lastModified())).orElse(logDir.resolve("startup.log"));
        } catch (IOException e) {
            return logDir.resolve("startup.log");
        }
    }

    /** The settings in the configuration files on disk (postgresql.conf, and pg_hba.conf as a hash). */
    private static Map<String, String> written(InstanceLayout layout) {
        Map<String, String> settings = new java.util.HashMap<>();
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^([a-z_.]+) = '((?:[^']|'')*)'$")
                    .matcher(Files.readString(layout.postgresqlConf()));
            while (m.find()) {
                settings.put(m.group(1), m.group(2).replace("''", "'").replace("\\\\", "\\"));
            }
            settings.put("pgflex.hba", PostgresConf.sha256(Files.readString(layout.hbaConf())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    /** Whether ha-service made the instance a standby. */
    public boolean standby(String instanceId) {
        return store.replication(instanceId).map(io.pgflex.agent.replication.ReplicationState::standby).orElse(false);
    }

    /** The user's parameters plus the replication role's (which win); writes a standby's passfile. */
    private Map<String, String> withReplication(InstanceLayout layout, String instanceId, Map<String, String> parameters) {
        var state = store.replication(instanceId).orElse(null);
        if (state == null) {
            return parameters;
        }
        Map<String, String> out = new java.util.TreeMap<>(parameters);
        InstanceRecord record = store.read(instanceId).orElse(null);
        int storage = record == null || record.spec() == null ? 32 : record.spec().storageSizeGb();
        out.putAll(state.parameters(instanceId, layout.passfile(), storage));
        if (state.password() != null) {
            try {
                Files.createDirectories(layout.conf());
                OsCommands.writeIfChanged(layout.passfile(), state.passfileLine());
                Files.setPosixFilePermissions(layout.passfile(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Adds WAL archiving (and, while restoring, replay from the source's archive); these win over the user's. */
    private Map<String, String> withArchiving(InstanceLayout layout, String instanceId, Map<String, String> parameters) {
        Map<String, String> out = new java.util.TreeMap<>(parameters);
        out.putAll(wal.parameters(instanceId, layout));
        return out;
    }

    /** Writes the configuration again (reloading a running server when it changed): after a replication change. */
    public void reconfigure(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.resolve(record.engineVersion().split("\\.")[0]);
            Sku sku = Sku.ofApiName(record.spec().skuName()).orElseThrow();
            writeConfig(layout, record, engine, sku);
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
            if (store.running(instanceId) && hbaPending(layout)) {
                LOG.infof("instance %s: pg_hba.conf changed, reloading", instanceId);
                os.runAsPostgres(layout.root(), Map.of(), 30, Path.of(engines.resolve(record.engineVersion().split("\\.")[0])
                        .binDir(), "pg_ctl").toString(), "-D", layout.pgdata().toString(), "reload");
                Map<String, String> applied = new java.util.HashMap<>(readSettings(layout.conf().resolve("settings.applied")));
                applied.put("pgflex.hba", written(layout).get("pgflex.hba"));
                writeSettings(layout.conf().resolve("settings.applied"), applied);
            }
        }
    }

    /**
     * Whether who may connect is not yet what the storage guard's mark says: pg_hba.conf on disk
     * disagrees with the mark, or the running server has not taken in the file on disk.
     */
    public boolean accessPending(String instanceId) {
        InstanceLayout layout = store.layout(instanceId);
        try {
            boolean refused = Files.readString(layout.hbaConf()).contains(HbaConf.TENANTS_REFUSED);
            return refused != Files.exists(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || store.running(instanceId) && hbaPending(layout);
        } catch (IOException e) {
            return false; // no pg_hba.conf yet: the instance's own apply writes it
        }
    }

    private static boolean hbaPending(InstanceLayout layout) {
        String applied = readSettings(layout.conf().resolve("settings.applied")).get("pgflex.hba");
        return applied != null && !applied.equals(written(layout).get("pgflex.hba"));
    }

    /** Starts the instance's PostgreSQL (and PgBouncer) if it does not run. */
    public void start(String instanceId) {
        synchronized (lock(instanceId)) {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            EngineInfo engine = engines.resolve(record.engineVersion().split("\\.")[0]);
            tlsIfMissing(layout, record.spec().serverName()); // a restored instance gets its own certificate
            writeConfig(layout, record, engine, Sku.ofApiName(record.spec().skuName()).orElseThrow());
            ensureRunning(layout, record, engine, false);
            try {
                pgbouncer.apply(layout, record);
            } catch (SQLException e) {
                throw new InstanceException(e.getMessage(), e);
            }
        }
    }

    /** Stops at once without waiting for the instance's lock (fencing: whatever else runs on it). */
    public void stopUnlocked(String instanceId, String mode) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        InstanceLayout layout = store.layout(instanceId);
        pgbouncer.stop(layout, instanceId);
        stopIfRunning(layout, engines.resolve(record.engineVersion().split("\\.")[0]), mode);
    }

    /** Runs {@code work} holding the instance's lock (no other command changes it meanwhile). */
    public <T> T locked(String instanceId, java.util.function.Supplier<T> work) {
        synchronized (lock(instanceId)) {
            return work.get();
        }
    }

    /** A new instance's record on a free port (a clone: its data comes from another agent). */
    public InstanceRecord register(String instanceId, InstanceSpec spec, String engineVersion) {
        return register(instanceId, spec, engineVersion, "Standby");
    }

    /** A new instance's record on a free port whose data came from elsewhere (a clone, a restore). */
    public InstanceRecord register(String instanceId, InstanceSpec spec, String engineVersion, String role) {
        synchronized (ports) {
            int port = ports.allocate();
            LOG.infof("instance %s for server %s (%s): %s, PostgreSQL %s on port %d", instanceId, spec.serverName(),
                    spec.serverId(), role.toLowerCase(), engineVersion, port);
            InstanceRecord record = new InstanceRecord(instanceId, spec.serverId(), spec.subscriptionId(), role, port,
                    engineVersion, InstanceState.Creating, withoutSecret(spec), null);
            store.write(record);
            return record;
        }
    }

    /** The user's parameters that are PostgreSQL's (pgbouncer.* belong to PgBouncer). */
    private static Map<String, String> postgresParameters(InstanceSpec spec) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (spec.parameters() != null) {
            spec.parameters().forEach((k, v) -> {
                if (!io.pgflex.agent.pgbouncer.PgBouncerSettings.isPgBouncer(k)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private static Map<String, String> hostParameters(InstanceLayout layout) {
        try {
            return PostgresConf.hostParameters(Files.readString(layout.pgdata().resolve("postgresql.conf")));
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static String lastLines(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Object lock(String instanceId) {
        return locks.computeIfAbsent(instanceId, k -> new Object());
    }

    private static Map<String, String> readSettings(Path file) {
        try {
            if (!Files.exists(file)) {
                return Map.of();
            }
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            Map<String, String> m = new java.util.HashMap<>();
            p.forEach((k, v) -> m.put((String) k, (String) v));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSettings(Path file, Map<String, String> settings) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(settings);
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "settings of the configuration last written");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path... dirs) {
        try {
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
            // the instance root is private to PostgreSQL's OS user (and the agent)
            Files.setPosixFilePermissions(dirs[0], java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
