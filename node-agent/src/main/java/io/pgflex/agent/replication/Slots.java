package io.pgflex.agent.replication;

import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.ReplicationState;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.HaPeer;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** On a primary: the replication role with the server's password, and exactly the slots of its standbys. */
@ApplicationScoped
public class Slots {
    private final InstanceSql sql;
    /** Instances whose replication role has the password (since this agent started). */
    private final Set<String> rolesEnsured = ConcurrentHashMap.newKeySet();

    public Slots(InstanceSql sql) {
        this.sql = sql;
    }

    /** The replication role exists with the server's password, and a slot for each standby (others' slots go). */
    public void ensure(InstanceLayout layout, InstanceRecord record, ReplicationState state) {
        try (Connection c = sql.connect(layout, record.port(), "postgres")) {
            if (InstanceSql.inRecovery(c)) {
                return;
            }
            try (Statement s = c.createStatement()) {
                // pgflex's own bookkeeping never waits for a standby (which may be gone: this primary is being failed over)
                s.execute("SET synchronous_commit = local");
            }
            if (!rolesEnsured.contains(record.instanceId() + "/" + state.password())) {
                sql.ensureReplicationRole(c, state.password());
                rolesEnsured.add(record.instanceId() + "/" + state.password());
            }
            List<String> wanted = state.standbys().stream().map(s -> HaPeer.slotName(s.instanceId())).toList();
            for (String slot : wanted) {
                try (PreparedStatement p = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)"
                        + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
                    p.setString(1, slot);
                    p.setString(2, slot);
                    p.execute();
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name LIKE 'pgflex\\_%' AND NOT active AND NOT slot_name = ANY (?)")) {
                p.setArray(1, c.createArrayOf("text", wanted.toArray()));
                p.execute();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("replication slots of " + record.instanceId() + ": " + e.getMessage(), e);
        }
    }
}
