package io.pgflex.agent.replication;

import io.pgflex.agent.fencing.HaLease;
import io.pgflex.agent.health.PrimaryProbe;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.FenceRequest;
import io.pgflex.contracts.agent.ReplicationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;

/**
 * Fencing: an instance marked {@code fenced} is stopped and never made a primary again (ha-service fences an old
 * primary it failed over; it is rebuilt as a standby). Also the isolated primary's self-fencing.
 */
@ApplicationScoped
public class Fencing {
    private static final Logger LOG = Logger.getLogger(Fencing.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final InstanceSql sql;
    private final HaLease lease;
    private final PrimaryProbe probe;
    private final ReplicationStatuses statuses;

    public Fencing(InstanceStore store, InstanceManager manager, InstanceSql sql, HaLease lease, PrimaryProbe probe,
                   ReplicationStatuses statuses) {
        this.store = store;
        this.manager = manager;
        this.sql = sql;
        this.lease = lease;
        this.probe = probe;
        this.statuses = statuses;
    }

    public ReplicationStatus fence(String instanceId, FenceRequest request) {
        String mode = request == null || request.mode() == null ? "immediate" : request.mode();
        if (!mode.equals("immediate") && !mode.equals("fast")) {
            throw new IllegalArgumentException("fence mode must be immediate or fast, not " + mode);
        }
        // not under the instance's lock: a fence must not wait behind a command stuck on this very
        // primary (a commit waiting for a standby that was promoted meanwhile)
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        InstanceLayout layout = store.layout(instanceId);
        OsCommands.touch(layout.fencedMark());
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
        ReplicationStatus s = statuses.status(instanceId, false);
        return new ReplicationStatus(s.instanceId(), s.role(), s.running(), s.fenced(), s.inRecovery(), lastLsn, s.receiveLsn(),
                s.walReceiverStreaming(), s.upstreamReachable(), s.standbys(), s.message());
    }

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
}
