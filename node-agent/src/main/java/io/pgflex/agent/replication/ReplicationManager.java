package io.pgflex.agent.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.health.PrimaryProbe;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceManager;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.CloneRequest;
import io.pgflex.contracts.agent.FenceRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.ReplicationSpec;
import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.agent.ReplicationStatus.StandbyConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Replication of this agent's instances as ha-service directs it: slots and synchronous standby on
 * a primary, primary_conninfo on a standby, cloning a standby from another agent's primary
 * (non-exclusive base backup streamed agent to agent, every major from 13), promotion, fencing,
 * and an old primary rejoining as a standby after a clean switchover. Also the isolated primary's
 * self-fencing.
 */
@ApplicationScoped
public class ReplicationManager {
    private static final Logger LOG = Logger.getLogger(ReplicationManager.class);
    /** Directories whose contents a base backup leaves out (as pg_basebackup does); they are created empty. */
    public static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    public static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map",
            "standby.signal", "recovery.signal", "pg_internal.init", "current_logfiles", "backup_label.old");
    private static final byte END = 0;
    private static final byte FILE = 1;
    private static final byte DIR = 2;

    private final AgentConfig config;
    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSql sql;
    private final HaLease lease;
    private final PrimaryProbe probe;
    private final OsCommands os;
    private final EngineCatalogue engines;
    private final ObjectMapper json;
    /** To peer agents (base-backup streams): HTTPS with this agent's own certificate, trusting only the platform CA. */
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    /** Instances whose replication role has the password (since this agent started). */
    private final Set<String> rolesEnsured = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ReplicationManager(AgentConfig config, InstanceStore store, InstanceManager manager, InstanceSql sql, HaLease lease,
                              PrimaryProbe probe, OsCommands os, EngineCatalogue engines, ObjectMapper json,
                              io.quarkus.tls.TlsConfigurationRegistry tls) {
        this.config = config;
        try {
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                    .sslContext(tls.getDefault().orElseThrow(() -> new IllegalStateException(
                            "no TLS configuration: set pgflex.tls.cert, pgflex.tls.key and pgflex.tls.ca")).createSSLContext())
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("the agent's TLS material cannot be loaded: " + e.getMessage(), e);
        }
        this.store = store;
        this.manager = manager;
        this.sql = sql;
        this.lease = lease;
        this.probe = probe;
        this.os = os;
        this.engines = engines;
        this.json = json;
    }

    /** Header of a base-backup stream. */
    record CloneHeader(InstanceSpec spec, String engineVersion, String password) {
    }

    // ---------------------------------------------------------------- role

    public ReplicationStatus replicate(String instanceId, ReplicationSpec spec) {
        if (!ReplicationState.PRIMARY.equals(spec.role()) && !ReplicationState.STANDBY.equals(spec.role())) {
            throw new IllegalArgumentException("role must be Primary or Standby, not " + spec.role());
        }
        if (ReplicationState.STANDBY.equals(spec.role()) && spec.upstream() == null) {
            throw new IllegalArgumentException("a standby needs its upstream");
        }
        if (ReplicationState.PRIMARY.equals(spec.role())) {
            if (Files.exists(store.layout(instanceId).fencedMark())) {
                throw new FencedException(instanceId);
            }
            // confirmed on receipt, not behind the instance's lock: a command holding it does not cut the lease
            lease.confirm(instanceId);
        }
        manager.locked(instanceId, () -> {
            InstanceRecord record = record(instanceId);
            InstanceLayout layout = store.layout(instanceId);
            ReplicationState current = store.replication(instanceId).orElse(null);
            if (ReplicationState.PRIMARY.equals(spec.role()) && Files.exists(layout.fencedMark())) {
                throw new FencedException(instanceId);
            }
            if (current != null && current.standby() && ReplicationState.PRIMARY.equals(spec.role())) {
                throw new IllegalArgumentException("instance " + instanceId + " is a standby: promote it first");
            }
            if (current != null && !current.standby() && ReplicationState.STANDBY.equals(spec.role())) {
                throw new IllegalArgumentException("instance " + instanceId + " is a primary: it becomes a standby only by"
                        + " a clone or a rejoin after a clean switchover");
            }
            String password = passwordOf(current);
            ReplicationState next = new ReplicationState(spec.role(), spec.term(), spec.upstream(),
                    spec.standbys() == null ? List.of() : List.copyOf(spec.standbys()), spec.synchronous(), password);
            if (!next.equals(current)) {
                store.writeReplication(instanceId, next);
                LOG.infof("instance %s: replication role %s, standbys %s, synchronous %s", instanceId, next.role(),
                        next.standbys().stream().map(HaPeer::instanceId).toList(), next.synchronous());
                manager.reconfigure(instanceId);
            }
            if (!next.standby() && store.running(instanceId)) {
                ensureSlots(layout, record, next);
            }
            return null;
        });
        return status(instanceId, false);
    }

    /** The replication role exists with the server's password, and a slot for each standby (others' slots go). */
    private void ensureSlots(InstanceLayout layout, InstanceRecord record, ReplicationState state) {
        try (Connection c = sql.connect(layout, record.port(), "postgres")) {
            if (inRecovery(c)) {
                return;
            }
            try (Statement s = c.createStatement()) {
                // pgflex's own bookkeeping never waits for a standby (which may be gone: this primary is being failed over)
                s.execute("SET synchronous_commit = local");
            }
            if (!rolesEnsured.contains(record.instanceId() + "/" + state.password())) {
                sql.ensureReplicationRole(c, state.password());
                rolesEnsured.add(record.instanceId() + "/" + state.password());
            }
            List<String> wanted = state.standbys().stream().map(s -> HaPeer.slotName(s.instanceId())).toList();
            for (String slot : wanted) {
                try (PreparedStatement p = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)"
                        + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
                    p.setString(1, slot);
                    p.setString(2, slot);
                    p.execute();
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name LIKE 'pgflex\\_%' AND NOT active AND NOT slot_name = ANY (?)")) {
                p.setArray(1, c.createArrayOf("text", wanted.toArray()));
                p.execute();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("replication slots of " + record.instanceId() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- status

    /** What the instance's replication looks like; a standby also probes its upstream when {@code probeUpstream}. */
    public ReplicationStatus status(String instanceId, boolean probeUpstream) {
        InstanceRecord record = record(instanceId);
        InstanceLayout layout = store.layout(instanceId);
        ReplicationState state = store.replication(instanceId).orElse(null);
        String role = state == null ? ReplicationState.PRIMARY : state.role();
        boolean running = store.running(instanceId);
        boolean fenced = Files.exists(layout.fencedMark());
        CompletableFuture<Boolean> upstream = probeUpstream && state != null && state.standby() && state.upstream() != null
                ? CompletableFuture.supplyAsync(() -> reachable(record.serverId(), state.upstream())) : CompletableFuture.completedFuture(null);
        Boolean recovery = null;
        String lsn = null;
        String receive = null;
        boolean streaming = false;
        List<StandbyConnection> standbys = new ArrayList<>();
        String message = null;
        if (running) {
            try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '2s'");
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery()"
                        + " THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END,"
                        + " pg_last_wal_receive_lsn()::text,"
                        + " (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming')")) {
                    rs.next();
                    recovery = rs.getBoolean(1);
                    lsn = rs.getString(2);
                    receive = rs.getString(3);
                    streaming = rs.getLong(4) > 0;
                }
                if (!recovery) {
                    try (ResultSet rs = s.executeQuery("SELECT application_name, state, sync_state, replay_lsn::text,"
                            + " COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,"
                            + " COALESCE((EXTRACT(epoch FROM now() - reply_time) * 1000)::bigint, -1)"
                            + " FROM pg_stat_replication ORDER BY application_name")) {
                        while (rs.next()) {
                            standbys.add(new StandbyConnection(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getLong(5), rs.getLong(6)));
                        }
                    }
                }
            } catch (SQLException e) {
                message = "PostgreSQL does not answer: " + e.getMessage();
            }
        }
        Boolean reachable;
        try {
            reachable = upstream.get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            reachable = false;
        }
        return new ReplicationStatus(instanceId, role, running, fenced, recovery, lsn, receive, streaming, reachable,
                standbys, message);
    }

    /** Whether the primary at {@code peer} answers SQL over TLS within about a second (as ha-service's probe). */
    public boolean reachable(String serverId, HaPeer peer) {
        return io.pgflex.contracts.agent.Probes.sql(peer.host(), peer.port(),
                io.pgflex.contracts.agent.Probes.password(config.probeSecret(), serverId), 700);
    }

    // ---------------------------------------------------------------- promote, fence, rejoin

    public ReplicationStatus promote(String instanceId) {
        manager.locked(instanceId, () -> {
            InstanceRecord record = record(instanceId);
            InstanceLayout layout = store.layout(instanceId);
            if (Files.exists(layout.fencedMark())) {
                throw new FencedException(instanceId);
            }
            if (!store.running(instanceId)) {
                throw new InstanceNotRunningException(instanceId);
            }
            boolean recovery;
            try (Connection c = sql.connect(layout, record.port(), "postgres")) {
                recovery = inRecovery(c);
            } catch (SQLException e) {
                throw new IllegalStateException("instance " + instanceId + " does not answer: " + e.getMessage(), e);
            }
            if (recovery) {
                LOG.infof("instance %s: promoting to primary", instanceId);
                os.runAsPostgres(layout.root(), Map.of(), 90, Path.of(engine(record).binDir(), "pg_ctl").toString(),
                        "-D", layout.pgdata().toString(), "-w", "-t", "60", "promote");
                LOG.infof("instance %s: promoted", instanceId);
            }
            ReplicationState current = store.replication(instanceId).orElse(null);
            String password = passwordOf(current);
            long term = current == null ? 0 : current.term();
            // no synchronous standby until ha-service names one: the new primary takes writes at once
            store.writeReplication(instanceId, new ReplicationState(ReplicationState.PRIMARY, term, null, List.of(), false,
                    password));
            manager.reconfigure(instanceId);
            return null;
        });
        lease.confirm(instanceId);
        return status(instanceId, false);
    }

    public ReplicationStatus fence(String instanceId, FenceRequest request) {
        String mode = request == null || request.mode() == null ? "immediate" : request.mode();
        if (!mode.equals("immediate") && !mode.equals("fast")) {
            throw new IllegalArgumentException("fence mode must be immediate or fast, not " + mode);
        }
        // not under the instance's lock: a fence must not wait behind a command stuck on this very
        // primary (a commit waiting for a standby that was promoted meanwhile)
        InstanceRecord record = record(instanceId);
        InstanceLayout layout = store.layout(instanceId);
        markFenced(layout);
        lease.forget(instanceId);
        String lastLsn = null;
        if (store.running(instanceId) && mode.equals("fast")) {
            try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text WHERE NOT pg_is_in_recovery()")) {
                lastLsn = rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                LOG.warnf("instance %s: last LSN not read before the stop: %s", instanceId, e.getMessage());
            }
        }
        LOG.warnf("instance %s: fenced; stopping PostgreSQL (-m %s)", instanceId, mode);
        manager.stopUnlocked(instanceId, mode);
        ReplicationStatus s = status(instanceId, false);
        return new ReplicationStatus(s.instanceId(), s.role(), s.running(), s.fenced(), s.inRecovery(), lastLsn, s.receiveLsn(),
                s.walReceiverStreaming(), s.upstreamReachable(), s.standbys(), s.message());
    }

    public ReplicationStatus rejoin(String instanceId, HaPeer upstream) {
        if (upstream == null) {
            throw new IllegalArgumentException("rejoin needs the new primary");
        }
        manager.locked(instanceId, () -> {
            record(instanceId);
            InstanceLayout layout = store.layout(instanceId);
            ReplicationState current = store.replication(instanceId).orElse(null);
            if (current != null && current.standby() && !Files.exists(layout.fencedMark())) {
                return null; // rejoined already
            }
            if (!Files.exists(layout.fencedMark()) || store.running(instanceId)) {
                throw new IllegalArgumentException("only a fenced, stopped former primary rejoins as a standby");
            }
            String password = passwordOf(current);
            store.writeReplication(instanceId, new ReplicationState(ReplicationState.STANDBY, current == null ? 0 : current.term(),
                    upstream, List.of(), false, password));
            touch(layout.pgdata().resolve("standby.signal"));
            os.chownToPostgres(layout.pgdata().resolve("standby.signal"));
            manager.reconfigure(instanceId);
            deleteIfExists(layout.fencedMark());
            LOG.infof("instance %s: rejoins as a standby of %s (%s:%d)", instanceId, upstream.instanceId(), upstream.host(),
                    upstream.port());
            manager.start(instanceId);
            return null;
        });
        return status(instanceId, false);
    }

    // ---------------------------------------------------------------- clone

    public ReplicationStatus cloneFrom(String instanceId, CloneRequest request) {
        if (request.sourceAgentUrl() == null || request.sourceInstanceId() == null || request.upstream() == null) {
            throw new IllegalArgumentException("a clone needs sourceAgentUrl, sourceInstanceId and upstream");
        }
        manager.locked(instanceId, () -> {
            InstanceLayout layout = store.layout(instanceId);
            var existing = store.read(instanceId);
            if (existing.isPresent()) {
                ReplicationState state = store.replication(instanceId).orElse(null);
                if (state != null && state.standby() && Files.exists(layout.pgdata().resolve("PG_VERSION"))) {
                    if (!store.running(instanceId)) {
                        manager.start(instanceId);
                    }
                    return null; // the standby is there
                }
                throw new IllegalArgumentException("instance " + instanceId + " exists and is not a standby: delete it first");
            }
            clone(instanceId, layout, request);
            return null;
        });
        return status(instanceId, false);
    }

    private void clone(String instanceId, InstanceLayout layout, CloneRequest request) {
        long started = System.nanoTime();
        Path tmp = layout.root().resolve("pgdata.clone");
        try {
            Files.createDirectories(layout.root());
            Files.setPosixFilePermissions(layout.root(), PosixFilePermissions.fromString("rwx------"));
            io.pgflex.agent.instances.InstanceManager.deleteTree(tmp);
            io.pgflex.agent.instances.InstanceManager.deleteTree(layout.pgdata()); // a clone cut short before its record was written
            io.pgflex.agent.instances.InstanceManager.deleteTree(layout.tls());
            Files.createDirectories(tmp);
            Files.createDirectories(layout.log());
            Files.createDirectories(layout.conf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("instance %s: cloning from instance %s at %s", instanceId, request.sourceInstanceId(), request.sourceAgentUrl());
        HttpRequest post = HttpRequest.newBuilder(URI.create(request.sourceAgentUrl().replaceAll("/+$", "")
                        + "/agent/v1/instances/" + request.sourceInstanceId() + "/basebackup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slot\":\"" + HaPeer.slotName(instanceId) + "\"}"))
                .timeout(Duration.ofHours(6)).build();
        CloneHeader header;
        long bytes;
        try {
            HttpResponse<InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(response.body(), 1 << 16))) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("the source agent answered " + response.statusCode() + ": "
                            + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                byte[] h = new byte[in.readInt()];
                in.readFully(h);
                header = json.readValue(h, CloneHeader.class);
                bytes = receive(in, tmp, layout.tls());
            }
        } catch (IOException e) {
            io.pgflex.agent.instances.InstanceManager.deleteTree(tmp);
            throw new IllegalStateException("clone of " + request.sourceInstanceId() + " cut short: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        try {
            engines.resolve(header.engineVersion().split("\\.")[0]);
            for (String dir : EMPTY_DIRS) {
                Files.createDirectories(tmp.resolve(dir));
            }
            Files.createDirectories(tmp.resolve("pg_wal").resolve("archive_status"));
            touch(tmp.resolve("standby.signal"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            os.chownToPostgres(layout.root());
            Files.move(tmp, layout.pgdata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InstanceSpec spec = header.spec();
        InstanceSpec running = new InstanceSpec(request.operationId(), spec.serverId(), spec.subscriptionId(), spec.serverName(),
                spec.engineVersion(), spec.skuName(), spec.storageSizeGb(), spec.adminLogin(), null, spec.parameters(),
                spec.firewallRules(), spec.publicNetworkAccess(), InstanceSpec.DesiredState.Running);
        store.writeReplication(instanceId, new ReplicationState(ReplicationState.STANDBY, 0, request.upstream(), List.of(),
                false, header.password()));
        manager.register(instanceId, running, header.engineVersion());
        LOG.infof("instance %s: %d MiB copied in %d ms; starting it as a standby of %s:%d", instanceId, bytes >> 20,
                (System.nanoTime() - started) / 1_000_000, request.upstream().host(), request.upstream().port());
        manager.apply(instanceId, running);
    }

    /** Reads entries until the end marker; returns the bytes written. */
    private static long receive(DataInputStream in, Path pgdata, Path tls) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        while (true) {
            byte kind = in.readByte();
            if (kind == END) {
                return total;
            }
            String name = in.readUTF();
            Path target = target(name, pgdata, tls);
            if (kind == DIR) {
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                continue;
            }
            Files.createDirectories(target.getParent());
            // PostgreSQL's own modes: data and keys readable by its user alone
            try (OutputStream out = Files.newOutputStream(target)) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                for (int n = in.readInt(); n > 0; n = in.readInt()) {
                    if (n > buf.length) {
                        throw new IOException("chunk of " + n + " bytes in " + name);
                    }
                    in.readFully(buf, 0, n);
                    out.write(buf, 0, n);
                    total += n;
                }
            }
        }
    }

    private static Path target(String name, Path pgdata, Path tls) throws IOException {
        Path base;
        String rel;
        if (name.startsWith("pgdata/")) {
            base = pgdata;
            rel = name.substring(7);
        } else if (name.startsWith("tls/")) {
            base = tls;
            rel = name.substring(4);
        } else {
            throw new IOException("unexpected entry " + name);
        }
        Path target = base.resolve(rel).normalize();
        if (!target.startsWith(base) || rel.isEmpty()) {
            throw new IOException("entry outside its directory: " + name);
        }
        return target;
    }

    /**
     * Streams a base backup of a running primary for a new standby: creates the standby's slot
     * (reserving WAL from now), the replication role, then pg_backup_start (non-exclusive, on this
     * connection), every file, pg_backup_stop's backup_label. The server's TLS material and the
     * replication password travel in the stream too.
     */
    public void streamBaseBackup(String instanceId, String slot, OutputStream raw) throws IOException {
        if (slot == null || !slot.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("slot must match [a-z0-9_]{1,63}");
        }
        InstanceRecord record = record(instanceId);
        InstanceLayout layout = store.layout(instanceId);
        if (!store.running(instanceId)) {
            throw new InstanceNotRunningException(instanceId);
        }
        int major = Integer.parseInt(record.engineVersion().split("\\.")[0]);
        String password = manager.locked(instanceId, () -> {
            ReplicationState state = store.replication(instanceId).orElse(null);
            if (state != null && state.password() != null) {
                return state.password();
            }
            String p = newPassword();
            store.writeReplication(instanceId, state == null
                    ? new ReplicationState(ReplicationState.PRIMARY, 0, null, List.of(), false, p)
                    : new ReplicationState(state.role(), state.term(), state.upstream(), state.standbys(), state.synchronous(), p));
            return p;
        });
        try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
            if (inRecovery(c)) {
                throw new IllegalArgumentException("instance " + instanceId + " is a standby: clone from the primary");
            }
            s.execute("SET synchronous_commit = local");
            sql.ensureReplicationRole(c, password);
            try (PreparedStatement p = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
                p.setString(1, slot);
                p.execute();
            }
            try (PreparedStatement p = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
                p.setString(1, slot);
                p.setString(2, slot);
                p.execute();
            }
            s.execute(major >= 15 ? "SELECT pg_backup_start('pgflex clone " + slot + "', true)"
                    : "SELECT pg_start_backup('pgflex clone " + slot + "', true, false)");
            LOG.infof("instance %s: base backup for standby slot %s started", instanceId, slot);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            byte[] header = json.writeValueAsBytes(new CloneHeader(record.spec(), record.engineVersion(), password));
            out.writeInt(header.length);
            out.write(header);
            long bytes = sendTree(out, layout.tls(), "tls/", false) + sendTree(out, layout.pgdata(), "pgdata/", true);
            String label;
            String spcmap;
            try (ResultSet rs = s.executeQuery(major >= 15 ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                label = rs.getString(1);
                spcmap = rs.getString(2);
            }
            sendBytes(out, "pgdata/backup_label", label.getBytes(StandardCharsets.UTF_8));
            if (spcmap != null && !spcmap.isBlank()) {
                sendBytes(out, "pgdata/tablespace_map", spcmap.getBytes(StandardCharsets.UTF_8));
            }
            out.writeByte(END);
            out.flush();
            LOG.infof("instance %s: base backup for slot %s sent (%d MiB)", instanceId, slot, bytes >> 20);
        } catch (SQLException e) {
            throw new IOException("base backup of " + instanceId + ": " + e.getMessage(), e);
        }
    }

    private static long sendTree(DataOutputStream out, Path root, String prefix, boolean pgdata) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long total = 0;
        List<Path> paths;
        try (var walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        byte[] buf = new byte[1 << 16];
        for (Path p : paths) {
            Path rel = root.relativize(p);
            String name = prefix + rel.toString();
            if (pgdata && skipped(rel)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                out.writeByte(DIR);
                out.writeUTF(name);
                continue;
            }
            if (!Files.isRegularFile(p)) {
                continue;
            }
            InputStream in;
            try {
                in = Files.newInputStream(p);
            } catch (NoSuchFileException gone) {
                continue; // removed meanwhile (a temporary file): WAL replay does not need it
            }
            try (in) {
                out.writeByte(FILE);
                out.writeUTF(name);
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (n > 0) {
                        out.writeInt(n);
                        out.write(buf, 0, n);
                        total += n;
                    }
                }
                out.writeInt(0);
            }
        }
        return total;
    }

    /** Whether a data-directory path stays out of a base backup (runtime files, contents of pg_wal and the like). */
    public static boolean skipped(Path rel) {
        String first = rel.getName(0).toString();
        if (rel.getNameCount() > 1 && EMPTY_DIRS.contains(first)) {
            return true;
        }
        String file = rel.getFileName().toString();
        return SKIPPED_FILES.contains(file) || file.startsWith("pgsql_tmp");
    }

    private static void sendBytes(DataOutputStream out, String name, byte[] content) throws IOException {
        out.writeByte(FILE);
        out.writeUTF(name);
        out.writeInt(content.length);
        out.write(content);
        out.writeInt(0);
    }

    // ---------------------------------------------------------------- self-fencing

    /**
     * An isolated synchronous primary — no word from ha-service and no standby answering for the
     * isolation timeout — may have been failed over: it fences itself (immediate stop) so that it
     * never serves or accepts a write again. Rebuilding it as a standby is ha-service's call.
     */
    public void selfFence() {
        for (InstanceRecord record : store.records()) {
            String id = record.instanceId();
            try {
                ReplicationState state = store.replication(id).orElse(null);
                if (state == null || !state.synchronousPrimary() || lease.fresh(id) || !store.running(id)
                        || Files.exists(store.layout(id).fencedMark())) {
                    continue;
                }
                PrimaryProbe.Observation o = probe.observe(record);
                if (o.known() && o.isolated()) {
                    LOG.errorf("instance %s: isolated — no word from ha-service for over %d ms and no standby answering;"
                            + " fencing itself so it never accepts a write again", id, lease.timeoutMillis());
                    fence(id, new FenceRequest("self-fence", "immediate"));
                }
            } catch (RuntimeException e) {
                LOG.warnf("instance %s: isolation not checked: %s", id, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private InstanceRecord record(String instanceId) {
        return store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
    }

    private io.pgflex.contracts.agent.EngineInfo engine(InstanceRecord record) {
        return engines.resolve(record.engineVersion().split("\\.")[0]);
    }

    private static boolean inRecovery(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The server's replication password the instance already has, or a new one. */
    private String passwordOf(ReplicationState current) {
        return current != null && current.password() != null ? current.password() : newPassword();
    }

    private String newPassword() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void markFenced(InstanceLayout layout) {
        touch(layout.fencedMark());
    }

    private static void touch(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fenced instance is never made a primary again (it is rebuilt instead). */
    public static class FencedException extends RuntimeException {
        public FencedException(String instanceId) {
            super("instance " + instanceId + " is fenced: it is rebuilt as a standby, never a primary again");
        }
    }
}
