package io.pgflex.agent.lifecycle;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.agent.tls.TlsMaterial;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.contracts.agent.Probes;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The reconcile steps of an instance that make something once and find it there the next time: its directories and
 * data (initdb), its TLS certificate, the platform's probe role. Each looks first, so running it again is harmless.
 */
@ApplicationScoped
public class InstanceSetup {
    private static final Logger LOG = Logger.getLogger(InstanceSetup.class);

    private final AgentConfig config;
    private final OsCommands os;
    private final InstanceSql sql;

    public InstanceSetup(AgentConfig config, OsCommands os, InstanceSql sql) {
        this.config = config;
        this.os = os;
        this.sql = sql;
    }

    /** Step 1: directories and data, by initdb into a temporary directory moved into place. */
    public void initdbIfMissing(InstanceLayout layout, EngineInfo engine, String serverName) {
        if (Files.exists(layout.pgdata().resolve("PG_VERSION"))) {
            return;
        }
        Path tmp = layout.root().resolve("pgdata.initdb");
        OsCommands.deleteTree(tmp);
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

    /** Step 2: the TLS certificate and key of the server. */
    public void tlsIfMissing(InstanceLayout layout, String serverName) {
        if (Files.exists(layout.tls().resolve("server.key")) && Files.exists(layout.tls().resolve("server.crt"))) {
            os.chownToPostgres(layout.tls());
            return;
        }
        CertificateNames names = certificateNames(config.advertisedHost(), serverName, config.endpointHosts());
        TlsMaterial.write(layout.tls(), serverName, names.hostNames(), names.ipAddresses(), Duration.ofDays(825));
        os.chownToPostgres(layout.tls());
    }

    /** What a server's certificate names: DNS names (the first is its CN) and IP addresses. */
    public record CertificateNames(List<String> hostNames, List<String> ipAddresses) {
    }

    /**
     * The names clients may verify a server by (pure): the agent's advertised host, the server's name, every endpoint
     * host (a router may run elsewhere), {@code localhost} — the first DNS name is the certificate's CN — and each
     * address among them as an IP address, 127.0.0.1 always. No name twice.
     */
    public static CertificateNames certificateNames(String advertisedHost, String serverName, List<String> endpointHosts) {
        java.util.LinkedHashSet<String> dns = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<String> ips = new java.util.LinkedHashSet<>();
        List<String> all = new java.util.ArrayList<>(List.of(advertisedHost, serverName));
        all.addAll(endpointHosts);
        all.add("localhost");
        for (String n : all) {
            String name = n.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.contains(":")) {
                ips.add(name);
            } else {
                dns.add(name);
            }
        }
        ips.add("127.0.0.1");
        return new CertificateNames(List.copyOf(dns), List.copyOf(ips));
    }

    /** The server's probe role with its password from this agent's probe secret. */
    public void ensureProbeRole(InstanceLayout layout, InstanceRecord record) throws SQLException {
        sql.ensureProbeRole(layout, record.port(), Probes.password(config.probeSecret(), record.serverId()));
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
}
