package io.pgflex.agent.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.replication.CloneStream.CloneHeader;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.CloneRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.InstanceSpec;
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
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A new standby joins by a clone: this agent asks the primary's agent for a base backup (non-exclusive, streamed agent
 * to agent over mutual TLS, every major from 13; {@link CloneStream}) and starts the copy as a standby. The primary's
 * side of the same stream is here too.
 */
@ApplicationScoped
public class Cloning {
    private static final Logger LOG = Logger.getLogger(Cloning.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSql sql;
    private final OsCommands os;
    private final EngineCatalogue engines;
    private final ObjectMapper json;
    /** To peer agents (base-backup streams): HTTPS with this agent's own certificate, trusting only the platform CA. */
    private final HttpClient http;

    public Cloning(InstanceStore store, InstanceManager manager, InstanceSql sql, OsCommands os, EngineCatalogue engines,
                   ObjectMapper json, io.quarkus.tls.TlsConfigurationRegistry tls) {
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
        this.os = os;
        this.engines = engines;
        this.json = json;
    }

    public void cloneFrom(String instanceId, CloneRequest request) {
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
    }

    private void clone(String instanceId, InstanceLayout layout, CloneRequest request) {
        long started = System.nanoTime();
        Path tmp = layout.root().resolve("pgdata.clone");
        try {
            Files.createDirectories(layout.root());
            Files.setPosixFilePermissions(layout.root(), PosixFilePermissions.fromString("rwx------"));
            OsCommands.deleteTree(tmp);
            OsCommands.deleteTree(layout.pgdata()); // a clone cut short before its record was written
            OsCommands.deleteTree(layout.tls());
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
                bytes = CloneStream.receive(in, tmp, layout.tls());
            }
        } catch (IOException e) {
            OsCommands.deleteTree(tmp);
            throw new IllegalStateException("clone of " + request.sourceInstanceId() + " cut short: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        try {
            engines.resolve(header.engineVersion().split("\\.")[0]);
            for (String dir : InstanceLayout.EMPTY_DIRS) {
                Files.createDirectories(tmp.resolve(dir));
            }
            Files.createDirectories(tmp.resolve("pg_wal").resolve("archive_status"));
            OsCommands.touch(tmp.resolve("standby.signal"));
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
        manager.register(instanceId, running, header.engineVersion(), "Standby");
        LOG.infof("instance %s: %d MiB copied in %d ms; starting it as a standby of %s:%d", instanceId, bytes >> 20,
                (System.nanoTime() - started) / 1_000_000, request.upstream().host(), request.upstream().port());
        manager.apply(instanceId, running);
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
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
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
            String p = ReplicationPasswords.fresh();
            store.writeReplication(instanceId, state == null
                    ? new ReplicationState(ReplicationState.PRIMARY, 0, null, List.of(), false, p)
                    : new ReplicationState(state.role(), state.term(), state.upstream(), state.standbys(), state.synchronous(), p));
            return p;
        });
        try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
            if (InstanceSql.inRecovery(c)) {
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
            long bytes = CloneStream.sendTree(out, layout.tls(), "tls/", false) + CloneStream.sendTree(out, layout.pgdata(), "pgdata/", true);
            String label;
            String spcmap;
            try (ResultSet rs = s.executeQuery(major >= 15 ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                label = rs.getString(1);
                spcmap = rs.getString(2);
            }
            CloneStream.sendBytes(out, "pgdata/backup_label", label.getBytes(StandardCharsets.UTF_8));
            if (spcmap != null && !spcmap.isBlank()) {
                CloneStream.sendBytes(out, "pgdata/tablespace_map", spcmap.getBytes(StandardCharsets.UTF_8));
            }
            out.writeByte(CloneStream.END);
            out.flush();
            LOG.infof("instance %s: base backup for slot %s sent (%d MiB)", instanceId, slot, bytes >> 20);
        } catch (SQLException e) {
            throw new IOException("base backup of " + instanceId + ": " + e.getMessage(), e);
        }
    }
}
