package io.pgflex.agent.lifecycle;

import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.contracts.agent.EngineInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** The one place that runs {@code pg_ctl}: start, stop, reload and promote an instance's PostgreSQL, as its OS user. */
@ApplicationScoped
public class PgCtl {
    private static final Logger LOG = Logger.getLogger(PgCtl.class);

    private final InstanceStore store;
    private final OsCommands os;
    private final ConfigFiles files;

    public PgCtl(InstanceStore store, OsCommands os, ConfigFiles files) {
        this.store = store;
        this.os = os;
        this.files = files;
    }

    /** Starts PostgreSQL unless it runs; a running one is restarted when {@code restartNeeded}. */
    public void ensureRunning(InstanceLayout layout, InstanceRecord record, EngineInfo engine, boolean restartNeeded) {
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
            os.runAsPostgres(layout.root(), Map.of(), 90, pgCtl(engine),
                    "-D", layout.pgdata().toString(), "-w", "-t", "60", "-l", startupLog.toString(),
                    "-o", "-c config_file=" + layout.postgresqlConf(), "start");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("PostgreSQL did not start (" + e.getMessage() + "); its log ends: "
                    + lastLines(newestLog(layout.log()), 5), e);
        }
        files.startedWithFilesOnDisk(layout);
    }

    /** Stops PostgreSQL if it runs ({@code -m fast} or {@code immediate}), waiting up to a minute. */
    public void stopIfRunning(InstanceLayout layout, EngineInfo engine, String mode) {
        if (!store.running(layout.root().getFileName().toString())) {
            return;
        }
        LOG.infof("instance %s: stopping PostgreSQL (-m %s)", layout.root().getFileName(), mode);
        os.runAsPostgres(layout.root(), Map.of(), 90, pgCtl(engine),
                "-D", layout.pgdata().toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    /** The running server reads its configuration files again. */
    public void reload(InstanceLayout layout, EngineInfo engine) {
        os.runAsPostgres(layout.root(), Map.of(), 30, pgCtl(engine), "-D", layout.pgdata().toString(), "reload");
    }

    /** A standby in recovery becomes a primary; waits up to a minute until it accepts writes. */
    public void promote(InstanceLayout layout, EngineInfo engine) {
        os.runAsPostgres(layout.root(), Map.of(), 90, pgCtl(engine),
                "-D", layout.pgdata().toString(), "-w", "-t", "60", "promote");
    }

    private static String pgCtl(EngineInfo engine) {
        return Path.of(engine.binDir(), "pg_ctl").toString();
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

    private static String lastLines(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
