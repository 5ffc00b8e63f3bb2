package io.pgflex.agent.backup;

import io.pgflex.agent.archive.WalArchive;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.WalSwitch;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.jboss.logging.Logger;

/** The WAL switch that makes "now" restorable: asked for before a restore to the present and by restore drills. */
@ApplicationScoped
public class WalSwitches {
    private static final Logger LOG = Logger.getLogger(WalSwitches.class);

    private final InstanceStore store;
    private final InstanceSql sql;
    private final WalArchive wal;

    public WalSwitches(InstanceStore store, InstanceSql sql, WalArchive wal) {
        this.store = store;
        this.sql = sql;
        this.wal = wal;
    }

    /**
     * Commits a marker transaction, switches to a new WAL segment and waits until the segment is in
     * the archive: everything committed before {@code markerTime} is then restorable (a restore to a
     * time up to it finds a later commit in the archive to stop at).
     */
    public WalSwitch switchWal(String instanceId) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        if (!store.running(instanceId)) {
            throw new InstanceNotRunningException(instanceId);
        }
        try (Connection c = sql.connect(store.layout(instanceId), record.port(), "postgres"); Statement s = c.createStatement()) {
            if (InstanceSql.inRecovery(s)) {
                throw new IllegalStateException("instance " + instanceId + " is a standby: switch WAL on the primary");
            }
            s.execute("SET synchronous_commit = local");
            Instant marker = Instant.parse(InstanceSql.one(s,
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            c.setAutoCommit(false);
            s.execute("SELECT txid_current()"); // an xid, so the commit writes a timestamped commit record
            c.commit();
            c.setAutoCommit(true);
            String file = InstanceSql.one(s, "SELECT pg_walfile_name(pg_switch_wal())");
            boolean archived = wal.awaitArchived(record.serverId(), file, java.time.Duration.ofSeconds(60));
            LOG.infof("instance %s: WAL switched at %s; %s %s", instanceId, marker, file, archived ? "archived" : "NOT archived yet");
            return new WalSwitch(file, marker, archived);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("WAL switch of " + instanceId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
