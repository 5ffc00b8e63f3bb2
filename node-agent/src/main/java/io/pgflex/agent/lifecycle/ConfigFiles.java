package io.pgflex.agent.lifecycle;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.archive.WalArchive;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.config.PostgresConf;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.Sku;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An instance's postgresql.conf and pg_hba.conf, rendered from its record (the user's parameters, the replication
 * role's, WAL archiving, the SKU), and {@code settings.applied}: what the running server last took in, written after
 * its reload or start succeeded, so a reload or restart lost to a crash is done on the next apply.
 */
@ApplicationScoped
public class ConfigFiles {
    private final AgentConfig config;
    private final InstanceStore store;
    private final OsCommands os;
    private final WalArchive wal;

    public ConfigFiles(AgentConfig config, InstanceStore store, OsCommands os, WalArchive wal) {
        this.config = config;
        this.store = store;
        this.os = os;
        this.wal = wal;
    }

    /** What was written, and what the running server must do to take it in. */
    public record Written(ConfigChange change, Map<String, String> settings) {
    }

    /** Writes postgresql.conf and pg_hba.conf when they changed. */
    public Written write(InstanceLayout layout, InstanceRecord record, EngineInfo engine, Sku sku) {
        InstanceSpec spec = record.spec();
        PostgresConf.Rendered conf = PostgresConf.render(new PostgresConf.Input(engine.major(), sku, spec.storageSizeGb(), record.port(),
                config.listenAddresses(), layout.run().toString(), layout.tls().toString(), layout.hbaConf().toString(),
                layout.log().toString(), withArchiving(layout, record.instanceId(),
                        withReplication(layout, record.instanceId(), postgresParameters(spec))),
                hostParameters(layout)));
        String hba = HbaConf.render(spec.firewallRules() == null ? List.of() : spec.firewallRules(), spec.publicNetworkAccess(),
                config.routerAddresses(), config.platformAddresses(),
                !Files.exists(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        Map<String, String> before = applied(layout);
        OsCommands.writeIfChanged(layout.postgresqlConf(), conf.content());
        OsCommands.writeIfChanged(layout.hbaConf(), hba);
        os.chownToPostgres(layout.conf());
        Map<String, String> now = new java.util.HashMap<>(conf.settings());
        now.put(ConfigChange.HBA, PostgresConf.sha256(hba));
        return new Written(ConfigChange.between(before, now), now);
    }

    /** What the running server last took in (empty before its first start). */
    public Map<String, String> applied(InstanceLayout layout) {
        return readSettings(appliedFile(layout));
    }

    /** The running server took in {@code settings} (a reload succeeded). */
    public void applied(InstanceLayout layout, Map<String, String> settings) {
        writeSettings(appliedFile(layout), settings);
    }

    /** The server just started with the files on disk. */
    public void startedWithFilesOnDisk(InstanceLayout layout) {
        writeSettings(appliedFile(layout), onDisk(layout));
    }

    /** The running server took in the pg_hba.conf on disk (a reload succeeded). */
    public void hbaApplied(InstanceLayout layout) {
        Map<String, String> applied = new java.util.HashMap<>(applied(layout));
        applied.put(ConfigChange.HBA, onDisk(layout).get(ConfigChange.HBA));
        applied(layout, applied);
    }

    /** Whether pg_hba.conf on disk is not what the running server last took in. */
    public boolean hbaPending(InstanceLayout layout) {
        String applied = applied(layout).get(ConfigChange.HBA);
        return applied != null && !applied.equals(onDisk(layout).get(ConfigChange.HBA));
    }

    /** Whether pg_hba.conf on disk refuses tenants (the storage guard's rule); empty while there is none. */
    public java.util.Optional<Boolean> hbaRefusesTenants(InstanceLayout layout) {
        try {
            return java.util.Optional.of(Files.readString(layout.hbaConf()).contains(HbaConf.TENANTS_REFUSED));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path appliedFile(InstanceLayout layout) {
        return layout.conf().resolve("settings.applied");
    }

    /** The settings in the configuration files on disk (postgresql.conf, and pg_hba.conf as a hash). */
    static Map<String, String> onDisk(InstanceLayout layout) {
        Map<String, String> settings = new java.util.HashMap<>();
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^([A-Za-z0-9_.]+) = '((?:[^']|'')*)'$")
                    .matcher(Files.readString(layout.postgresqlConf()));
            while (m.find()) {
                settings.put(m.group(1), m.group(2).replace("''", "'").replace("\\\\", "\\"));
            }
            settings.put(ConfigChange.HBA, PostgresConf.sha256(Files.readString(layout.hbaConf())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
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
}
