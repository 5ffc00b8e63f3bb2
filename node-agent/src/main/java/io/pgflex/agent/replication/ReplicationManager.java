package io.pgflex.agent.replication;

import io.pgflex.agent.engines.EngineCatalogue;
import io.pgflex.agent.fencing.HaLease;
import io.pgflex.agent.instances.FencedException;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.pgflex.agent.lifecycle.PgCtl;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.CloneRequest;
import io.pgflex.contracts.agent.FenceRequest;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.ReplicationSpec;
import io.pgflex.contracts.agent.ReplicationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Replication of this agent's instances as ha-service directs it — the agent API's one entry: the role (slots and
 * synchronous standby on a primary, primary_conninfo on a standby), promotion, and an old primary rejoining as a
 * standby after a clean switchover are here; joining by a clone is {@link Cloning}, fencing and self-fencing
 * {@link Fencing}, slots {@link Slots}, the status {@link ReplicationStatuses}.
 */
@ApplicationScoped
public class ReplicationManager {
    private static final Logger LOG = Logger.getLogger(ReplicationManager.class);

    private final InstanceStore store;
    private final InstanceManager manager;
    private final PgCtl pgctl;
    private final InstanceSql sql;
    private final HaLease lease;
    private final OsCommands os;
    private final EngineCatalogue engines;
    private final Slots slots;
    private final ReplicationStatuses statuses;
    private final Fencing fencing;
    private final Cloning cloning;

    public ReplicationManager(InstanceStore store, InstanceManager manager, PgCtl pgctl, InstanceSql sql, HaLease lease,
                              OsCommands os, EngineCatalogue engines, Slots slots, ReplicationStatuses statuses,
                              Fencing fencing, Cloning cloning) {
        this.store = store;
        this.manager = manager;
        this.pgctl = pgctl;
        this.sql = sql;
        this.lease = lease;
        this.os = os;
        this.engines = engines;
        this.slots = slots;
        this.statuses = statuses;
        this.fencing = fencing;
        this.cloning = cloning;
    }

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
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
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
            String password = ReplicationPasswords.of(current);
            ReplicationState next = new ReplicationState(spec.role(), spec.term(), spec.upstream(),
                    spec.standbys() == null ? List.of() : List.copyOf(spec.standbys()), spec.synchronous(), password);
            if (!next.equals(current)) {
                store.writeReplication(instanceId, next);
                LOG.infof("instance %s: replication role %s, standbys %s, synchronous %s", instanceId, next.role(),
                        next.standbys().stream().map(HaPeer::instanceId).toList(), next.synchronous());
                manager.reconfigure(instanceId);
            }
            if (!next.standby() && store.running(instanceId)) {
                slots.ensure(layout, record, next);
            }
            return null;
        });
        return statuses.status(instanceId, false);
    }

    /** What the instance's replication looks like; a standby also probes its upstream when {@code probeUpstream}. */
    public ReplicationStatus status(String instanceId, boolean probeUpstream) {
        return statuses.status(instanceId, probeUpstream);
    }

    public ReplicationStatus promote(String instanceId) {
        manager.locked(instanceId, () -> {
            InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            if (Files.exists(layout.fencedMark())) {
                throw new FencedException(instanceId);
            }
            if (!store.running(instanceId)) {
                throw new InstanceNotRunningException(instanceId);
            }
            boolean recovery;
            try (Connection c = sql.connect(layout, record.port(), "postgres")) {
                recovery = InstanceSql.inRecovery(c);
            } catch (SQLException e) {
                throw new IllegalStateException("instance " + instanceId + " does not answer: " + e.getMessage(), e);
            }
            if (recovery) {
                LOG.infof("instance %s: promoting to primary", instanceId);
                pgctl.promote(layout, engines.of(record.engineVersion()));
                LOG.infof("instance %s: promoted", instanceId);
            }
            ReplicationState current = store.replication(instanceId).orElse(null);
            String password = ReplicationPasswords.of(current);
            long term = current == null ? 0 : current.term();
            // no synchronous standby until ha-service names one: the new primary takes writes at once
            store.writeReplication(instanceId, new ReplicationState(ReplicationState.PRIMARY, term, null, List.of(), false,
                    password));
            manager.reconfigure(instanceId);
            return null;
        });
        lease.confirm(instanceId);
        return statuses.status(instanceId, false);
    }

    /** Marks the instance fenced and stops it without waiting for its lock. */
    public ReplicationStatus fence(String instanceId, FenceRequest request) {
        return fencing.fence(instanceId, request);
    }

    /** An isolated synchronous primary fences itself (see {@link Fencing#selfFence()}). */
    public void selfFence() {
        fencing.selfFence();
    }

    public ReplicationStatus rejoin(String instanceId, HaPeer upstream) {
        if (upstream == null) {
            throw new IllegalArgumentException("rejoin needs the new primary");
        }
        manager.locked(instanceId, () -> {
            store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
            InstanceLayout layout = store.layout(instanceId);
            ReplicationState current = store.replication(instanceId).orElse(null);
            if (current != null && current.standby() && !Files.exists(layout.fencedMark())) {
                return null; // rejoined already
            }
            if (!Files.exists(layout.fencedMark()) || store.running(instanceId)) {
                throw new IllegalArgumentException("only a fenced, stopped former primary rejoins as a standby");
            }
            String password = ReplicationPasswords.of(current);
            store.writeReplication(instanceId, new ReplicationState(ReplicationState.STANDBY, current == null ? 0 : current.term(),
                    upstream, List.of(), false, password));
            OsCommands.touch(layout.pgdata().resolve("standby.signal"));
            os.chownToPostgres(layout.pgdata().resolve("standby.signal"));
            manager.reconfigure(instanceId);
            try {
                Files.deleteIfExists(layout.fencedMark());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LOG.infof("instance %s: rejoins as a standby of %s (%s:%d)", instanceId, upstream.instanceId(), upstream.host(),
                    upstream.port());
            manager.start(instanceId);
            return null;
        });
        return statuses.status(instanceId, false);
    }

    /** A new standby cloned from the primary's agent (see {@link Cloning}), started. */
    public ReplicationStatus cloneFrom(String instanceId, CloneRequest request) {
        cloning.cloneFrom(instanceId, request);
        return statuses.status(instanceId, false);
    }

    /** The primary's side of a clone: streams a base backup for the standby's {@code slot}. */
    public void streamBaseBackup(String instanceId, String slot, OutputStream raw) throws IOException {
        cloning.streamBaseBackup(instanceId, slot, raw);
    }
}
