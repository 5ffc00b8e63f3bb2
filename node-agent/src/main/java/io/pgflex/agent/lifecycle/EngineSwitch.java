package io.pgflex.agent.lifecycle;

import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.instances.FencedException;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.EngineChange;
import io.pgflex.contracts.agent.EngineChangeResult;
import io.pgflex.contracts.agent.EngineChangeResult.Outcome;
import io.pgflex.contracts.agent.EngineInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * A minor-version patch of one instance (maintenance): a fast checkpoint (so the shutdown checkpoint is short), a
 * clean stop, the record moved to the new binaries, a start, {@code SHOW server_version} checked. When the new binaries
 * do not come up the record goes back and the instance starts on its previous minor (RolledBack, with the reason): it
 * keeps serving. Holds the instance's lock throughout, so neither the watchdog nor a converge starts it meanwhile. The
 * last change's figures are kept beside the instance, so a repeated call (the caller restarted) answers with them.
 */
@ApplicationScoped
public class EngineSwitch {
    private static final Logger LOG = Logger.getLogger(EngineSwitch.class);
    private static final String LAST = "engine-change.properties";

    private final InstanceStore store;
    private final InstanceManager manager;
    private final EngineCatalogue engines;
    private final PgCtl pgctl;
    private final InstanceSql sql;

    public EngineSwitch(InstanceStore store, InstanceManager manager, EngineCatalogue engines, PgCtl pgctl, InstanceSql sql) {
        this.store = store;
        this.manager = manager;
        this.engines = engines;
        this.pgctl = pgctl;
        this.sql = sql;
    }

    public EngineChangeResult change(String instanceId, EngineChange change) {
        if (change == null || change.version() == null || !change.version().matches("\\d+\\.\\d+")) {
            throw new IllegalArgumentException("the engine version must be major.minor, e.g. 16.16");
        }
        return manager.locked(instanceId, () -> {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            String from = record.engineVersion();
            String to = change.version();
            if (from.equals(to)) {
                // the record moves only after the new binaries answered: it runs them (checked once more)
                if (!store.running(instanceId)) {
                    throw new io.pgflex.agent.instances.InstanceNotRunningException(instanceId);
                }
                String running = serverVersion(layout, record);
                if (!running.equals(to)) {
                    throw new IllegalStateException("instance " + instanceId + " is recorded on " + to + " but runs " + running);
                }
                return new EngineChangeResult(instanceId, Outcome.AlreadyThere, last(layout, "from", from), to,
                        Long.parseLong(last(layout, "downtimeMillis", "0")), "the instance runs PostgreSQL " + to + " already");
            }
            if (!from.split("\\.")[0].equals(to.split("\\.")[0])) {
                throw new IllegalArgumentException("instance " + instanceId + " runs PostgreSQL " + from + ": " + to
                        + " is another major, which a maintenance does not change");
            }
            EngineInfo target = engines.engines().stream().filter(e -> e.version().equals(to)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("PostgreSQL " + to + " is not installed on this host"));
            if (Files.exists(layout.fencedMark())) {
                throw new FencedException(instanceId);
            }
            EngineInfo old = engines.of(from);
            if (record.spec().desiredState() == io.pgflex.contracts.agent.InstanceSpec.DesiredState.Stopped
                    && !store.running(instanceId)) {
                // a stopped server starts on the new binaries next time: no downtime to measure
                store.write(record.withSpec(record.spec(), to));
                remember(layout, from, to, 0);
                LOG.infof("instance %s: PostgreSQL %s -> %s while stopped", instanceId, from, to);
                return new EngineChangeResult(instanceId, Outcome.Patched, from, to, 0, "patched while stopped");
            }
            if (!store.running(instanceId)) {
                // it should run and does not (the watchdog restarts it): not the moment to patch it
                throw new io.pgflex.agent.instances.InstanceNotRunningException(instanceId);
            }
            checkpoint(layout, record);
            LOG.infof("instance %s: patching PostgreSQL %s -> %s (%s): stopping", instanceId, from, to, change.operationId());
            long stoppedAt = System.nanoTime();
            pgctl.stopIfRunning(layout, old, "fast");
            // the record keeps the old minor until the new binaries answer: an agent that dies meanwhile starts the
            // instance on its old minor again (after a restart and by the watchdog), which is the roll back
            InstanceRecord patched = record.withSpec(record.spec(), to);
            try {
                requireNotFenced(layout, instanceId);
                manager.startUnlocked(instanceId, target);
                String running = serverVersion(layout, patched);
                if (!running.equals(to)) {
                    throw new IllegalStateException("the new binaries report PostgreSQL " + running + ", not " + to);
                }
                store.write(patched);
                long downtime = (System.nanoTime() - stoppedAt) / 1_000_000;
                remember(layout, from, to, downtime);
                LOG.infof("instance %s: runs PostgreSQL %s (down %d ms)", instanceId, to, downtime);
                return new EngineChangeResult(instanceId, Outcome.Patched, from, to, downtime, "patched to " + to);
            } catch (FencedException e) {
                throw e; // fenced while it was down (a failover): it stays stopped, on its old minor
            } catch (RuntimeException e) {
                String why = e.getMessage();
                LOG.warnf("instance %s: PostgreSQL %s did not come up (%s): back to %s", instanceId, to, why, from);
                pgctl.stopIfRunning(layout, target, "immediate");
                store.write(record);
                requireNotFenced(layout, instanceId);
                manager.startUnlocked(instanceId, old);
                serverVersion(layout, record);
                long downtime = (System.nanoTime() - stoppedAt) / 1_000_000;
                return new EngineChangeResult(instanceId, Outcome.RolledBack, from, from, downtime,
                        "PostgreSQL " + to + " did not come up (" + why + "): the instance runs " + from + " again");
            }
        });
    }

    /** A fenced instance (ha-service failed over meanwhile) is never started again here. */
    private static void requireNotFenced(InstanceLayout layout, String instanceId) {
        if (Files.exists(layout.fencedMark())) {
            throw new FencedException(instanceId);
        }
    }

    /** A checkpoint before the stop, so the shutdown's own checkpoint has little left to write. */
    private void checkpoint(InstanceLayout layout, InstanceRecord record) {
        try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            LOG.infof("instance %s: no checkpoint before the stop (%s)", record.instanceId(), e.getMessage());
        }
    }

    /** {@code SHOW server_version} → "16.16" (the running binaries, as a client sees them). */
    private String serverVersion(InstanceLayout layout, InstanceRecord record) {
        try (Connection c = sql.connect(layout, record.port(), "postgres"); Statement s = c.createStatement()) {
            String v = InstanceSql.one(s, "SHOW server_version");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(v.trim());
            return m.find() ? m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) : v;
        } catch (SQLException e) {
            throw new IllegalStateException("the instance does not answer: " + e.getMessage(), e);
        }
    }

    private static void remember(InstanceLayout layout, String from, String to, long downtime) {
        Properties p = new Properties();
        p.setProperty("from", from);
        p.setProperty("to", to);
        p.setProperty("downtimeMillis", Long.toString(downtime));
        try (var out = Files.newBufferedWriter(layout.root().resolve(LAST), StandardCharsets.UTF_8)) {
            p.store(out, "the last minor-version change of this instance");
        } catch (IOException e) {
            LOG.warnf("could not record the engine change: %s", e.getMessage());
        }
    }

    private static String last(InstanceLayout layout, String key, String otherwise) {
        Path file = layout.root().resolve(LAST);
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return p.getProperty(key, otherwise);
        } catch (IOException e) {
            return otherwise;
        }
    }
}
