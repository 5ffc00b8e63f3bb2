package io.pgflex.agent.archive;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.RestoreState;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.os.Streams;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.repository.Sealed;
import io.quarkus.vertx.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Continuous WAL archiving: PostgreSQL's archive_command hands each finished segment (and timeline
 * history, partial and backup-history files) to this agent over its loopback API, which seals it
 * (zstd + AES-256-GCM) into {@code servers/{serverId}/wal/}. Archiving is idempotent: the same file
 * again with the same content succeeds, other content is refused (as pgBackRest does). A restoring
 * instance's restore_command fetches from its source server's archive the same way.
 */
@ApplicationScoped
public class WalArchive {
    private static final Logger LOG = Logger.getLogger(WalArchive.class);
    /** How often an idle server still closes its segment, which bounds how far behind the restorable point lags. */
    public static final String ARCHIVE_TIMEOUT = "60s";

    private final AgentConfig config;
    private final InstanceStore store;
    private final BackupStorage storage;
    private final OsCommands os;
    private final jakarta.enterprise.inject.Instance<HttpServer> http;
    private final Path platformCa;

    public WalArchive(AgentConfig config, InstanceStore store, BackupStorage storage, OsCommands os,
                      jakarta.enterprise.inject.Instance<HttpServer> http,
                      @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pgflex.tls.ca") Path platformCa) {
        this.config = config;
        this.platformCa = platformCa;
        this.store = store;
        this.storage = storage;
        this.os = os;
        this.http = http;
    }

    /**
     * The archive settings for the instance's postgresql.conf (and writes the scripts they call):
     * every primary archives; a standby archives what it receives too (archive_mode = always), so a
     * segment its primary had no time to archive before dying still reaches the repository; a
     * restoring instance reads its source's archive until promoted (and is restarted once after, to
     * archive); a drill's scratch instance archives nothing.
     */
    public Map<String, String> parameters(String instanceId, InstanceLayout layout) {
        Map<String, String> p = new TreeMap<>();
        RestoreState restore = RestoreState.read(layout).orElse(null);
        writeScripts(instanceId, layout);
        boolean scratch = restore != null && restore.scratch() || Files.exists(RestoreState.scratchMark(layout));
        // "always" on primaries and standbys alike (a primary archives the same either way), so a role change
        // never needs a restart; only while replaying another server's archive is it "on" (no re-archiving)
        p.put("archive_mode", scratch ? "off" : restore != null ? "on" : "always");
        p.put("archive_command", scratch ? "" : layout.conf().resolve("archive_wal.sh") + " %p %f");
        p.put("archive_timeout", ARCHIVE_TIMEOUT);
        if (restore != null) {
            p.put("restore_command", layout.conf().resolve("restore_wal.sh") + " %f %p");
            // no read-only connections while replaying: the new server may be smaller than the source
            // (hot standby would refuse to run with less max_connections and the like than it had)
            p.put("hot_standby", "off");
            p.put("recovery_target_timeline", "latest");
            if (restore.targetTime() != null) {
                p.put("recovery_target_time", restore.targetTime().toString().replace('T', ' ').replace("Z", "+00"));
                p.put("recovery_target_action", "promote");
                p.put("recovery_target_inclusive", "on");
            }
        }
        return p;
    }

    private void writeScripts(String instanceId, InstanceLayout layout) {
        // over the agent's HTTPS port on loopback; curl trusts only the platform CA (a copy the postgres user can read);
        // HTTP/1.1: 16 MiB bodies over HTTP/2 crawl through its flow control and stalled the agent's event loops
        // under load (server creation 3x slower in bench/create-servers.sh)
        String url = "https://127.0.0.1:" + port() + "/agent/v1/instances/" + instanceId + "/wal/";
        Path header = layout.conf().resolve("wal.header");
        Path ca = layout.conf().resolve("platform-ca.crt");
        String archive = """
                #!/bin/sh
                # pgflex: archive_command — hands one WAL file to the node agent, which seals it into the backup repository
                exec curl --http1.1 -sS -f --max-time 600 --cacert %s -H @%s -T "$1" "%s$2"
                """.formatted(ca, header, url);
        String restore = """
                #!/bin/sh
                # pgflex: restore_command — fetches one WAL file from the backup repository through the node agent.
                # 404 ends replay normally (no more WAL); anything else aborts recovery loudly (exit 126)
                code=$(curl --http1.1 -sS --max-time 600 --cacert %s -H @%s -o "$2.pgflex-part" -w '%%{http_code}' "%s$1")
                if [ "$code" = 200 ]; then mv "$2.pgflex-part" "$2"; exit 0; fi
                rm -f "$2.pgflex-part"
                if [ "$code" = 404 ]; then exit 1; fi
                echo "pgflex: WAL file $1 could not be fetched (HTTP $code)" >&2
                exit 126
                """.formatted(ca, header, url);
        try {
            Files.createDirectories(layout.conf());
            var secret = PosixFilePermissions.fromString("rw-------");
            var script = PosixFilePermissions.fromString("rwx------");
            Path staging = staging();
            OsCommands.writeIfChanged(header, "Authorization: Bearer " + instanceToken(instanceId) + "\n", secret, staging);
            OsCommands.writeIfChanged(ca, Files.readString(platformCa), PosixFilePermissions.fromString("rw-r--r--"), staging);
            OsCommands.writeIfChanged(layout.conf().resolve("archive_wal.sh"), archive, script, staging);
            OsCommands.writeIfChanged(layout.conf().resolve("restore_wal.sh"), restore, script, staging);
            // every time, not only after a change: a crash between writing and handing over must not leave root's files behind
            os.chownToPostgres(layout.conf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int port() {
        if (http.isResolvable()) {
            int p = http.get().getSecurePort();
            if (p > 0) {
                return p;
            }
        }
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.ssl-port", Integer.class);
    }

    /**
     * The bearer token PostgreSQL's scripts present: good for this instance's WAL calls only (HMAC,
     * under this agent's own random key, of the instance id).
     */
    public String instanceToken(String instanceId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(walTokenKey(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("wal:" + instanceId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private volatile byte[] walTokenKey;

    /** Where secret files are staged before they move into place: root's only (see OsCommands.writeIfChanged). */
    private Path staging() {
        return config.dataRoot().resolve(".staging");
    }

    /** 32 random bytes kept in {@code <data root>/wal-token.key} (0600 from creation): the same tokens after a restart. */
    private synchronized byte[] walTokenKey() {
        if (walTokenKey == null) {
            Path file = config.dataRoot().resolve("wal-token.key");
            try {
                if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    byte[] key = new byte[32];
                    new java.security.SecureRandom().nextBytes(key);
                    OsCommands.writeIfChanged(file, HexFormat.of().formatHex(key), PosixFilePermissions.fromString("rw-------"), staging());
                }
                walTokenKey = HexFormat.of().parseHex(Files.readString(file).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return walTokenKey;
    }

    /** Result of archiving one file: stored now, or the identical file was there already. */
    public enum Archived { STORED, ALREADY_THERE }

    public Archived archive(String instanceId, String fileName, InputStream body) throws IOException {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        String serverId = record.serverId();
        String key = RepositoryLayout.wal(serverId, fileName);
        var repo = storage.repository();
        var dataKey = storage.dataKey(serverId);
        if (repo.size(key).isPresent()) {
            byte[] offered = body.readAllBytes();
            byte[] stored;
            try (InputStream in = Sealed.open(repo.open(key), dataKey)) {
                stored = in.readAllBytes();
            }
            if (!Arrays.equals(offered, stored)) {
                throw new ArchiveConflictException("WAL file " + fileName + " of server " + serverId
                        + " is already archived with different content; not overwritten");
            }
            return Archived.ALREADY_THERE;
        }
        long started = System.nanoTime();
        var upload = repo.create(key);
        Sealed.Writer w = Sealed.writer(upload, dataKey, storage.zstdLevel());
        try {
            Streams.copy(body, w);
        } catch (IOException | RuntimeException e) {
            upload.abort();
            w.discard();
            throw e;
        }
        w.close();
        LOG.debugf("instance %s: archived %s (%d KiB sealed) in %d ms", instanceId, fileName, w.storedBytes() >> 10,
                (System.nanoTime() - started) / 1_000_000);
        return Archived.STORED;
    }

    /** Writes the WAL file to {@code out}; a restoring instance reads its source server's archive. */
    public void fetch(String instanceId, String fileName, OutputStream out) throws IOException {
        InstanceLayout layout = store.layout(instanceId);
        String serverId = RestoreState.read(layout).map(RestoreState::sourceServerId)
                .orElseGet(() -> store.read(instanceId).map(InstanceRecord::serverId)
                        .orElseThrow(() -> new InstanceNotFoundException(instanceId)));
        String key = RepositoryLayout.wal(serverId, fileName);
        try (InputStream in = Sealed.open(storage.repository().open(key), storage.existingDataKey(serverId))) {
            in.transferTo(out);
        }
        LOG.infof("instance %s: replaying WAL file %s from the archive of server %s", instanceId, fileName, serverId);
    }

    /** Whether the file is in the server's archive. */
    public boolean archived(String serverId, String fileName) throws IOException {
        return storage.repository().size(RepositoryLayout.wal(serverId, fileName)).isPresent();
    }

    /** Waits until the WAL file is in the archive, up to {@code timeout}; whether it is. */
    public boolean awaitArchived(String serverId, String fileName, java.time.Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!archived(serverId, fileName)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** The same WAL file name archived twice with different content. */
    public static final class ArchiveConflictException extends RuntimeException {
        public ArchiveConflictException(String message) {
            super(message);
        }
    }

    /** Thrown by {@link #fetch} callers to map a missing file to 404. */
    public static boolean missing(Throwable e) {
        return e instanceof NoSuchFileException;
    }
}
