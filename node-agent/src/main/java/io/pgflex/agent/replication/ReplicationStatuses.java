package io.pgflex.agent.replication;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.HaPeer;
import io.pgflex.contracts.agent.Probes;
import io.pgflex.contracts.agent.ReplicationStatus.StandbyConnection;
import io.pgflex.contracts.agent.ReplicationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What an instance's replication looks like, read from the instance itself (ha-service's view of this host). */
@ApplicationScoped
public class ReplicationStatuses {
    private final AgentConfig config;
    private final InstanceStore store;
    private final InstanceSql sql;

    public ReplicationStatuses(AgentConfig config, InstanceStore store, InstanceSql sql) {
        this.config = config;
        this.store = store;
        this.sql = sql;
    }

    /** What the instance's replication looks like; a standby also probes its upstream when {@code probeUpstream}. */
    public ReplicationStatus status(String instanceId, boolean probeUpstream) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
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
        return Probes.sql(peer.host(), peer.port(),
                Probes.password(config.probeSecret(), serverId), 700);
    }
}
