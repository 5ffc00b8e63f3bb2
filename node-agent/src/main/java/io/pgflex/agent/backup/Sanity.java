package io.pgflex.agent.backup;

import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.SanityReport;
import io.pgflex.contracts.agent.SanityReport.TableCount;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a restored instance is sound (restore drills): every database answers; B-tree
 * indexes pass amcheck's {@code bt_index_check} where the extension ships with the engine (up to 200
 * a database, largest first); the row counts of each database's five largest tables.
 */
@ApplicationScoped
public class Sanity {
    private final InstanceStore store;
    private final InstanceSql sql;

    public Sanity(InstanceStore store, InstanceSql sql) {
        this.store = store;
        this.sql = sql;
    }

    public SanityReport check(String instanceId) {
        InstanceRecord record = store.read(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        if (!store.running(instanceId)) {
            throw new InstanceNotRunningException(instanceId);
        }
        List<String> problems = new ArrayList<>();
        List<TableCount> tables = new ArrayList<>();
        List<String> databases = new ArrayList<>();
        boolean amcheck;
        int indexes = 0;
        try (Connection c = sql.connect(store.layout(instanceId), record.port(), "postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1")) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'")) {
                rs.next();
                amcheck = rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            return new SanityReport(false, 0, 0, false, List.of(), List.of("the instance does not answer: " + e.getMessage()));
        }
        for (String db : databases) {
            try (Connection c = sql.connect(store.layout(instanceId), record.port(), db); Statement s = c.createStatement()) {
                if (amcheck) {
                    indexes += checkIndexes(s, db, problems);
                }
                countRows(s, db, tables, problems);
            } catch (SQLException e) {
                problems.add(db + ": " + e.getMessage());
            }
        }
        return new SanityReport(problems.isEmpty(), databases.size(), indexes, amcheck, tables, problems);
    }

    private static int checkIndexes(Statement s, String db, List<String> problems) throws SQLException {
        s.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relpersistence <> 't'"
                + " AND i.indisready AND i.indisvalid ORDER BY c.relpages DESC LIMIT 200")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String index : names) {
            try {
                s.execute("SELECT bt_index_check('" + index.replace("'", "''") + "'::regclass)");
            } catch (SQLException e) {
                problems.add(db + ": index " + index + ": " + e.getMessage());
            }
        }
        return names.size();
    }

    private static void countRows(Statement s, String db, List<TableCount> tables, List<String> problems) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY c.relpages DESC, 1 LIMIT 5")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String table : names) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                tables.add(new TableCount(db, table, rs.getLong(1)));
            } catch (SQLException e) {
                problems.add(db + ": table " + table + ": " + e.getMessage());
            }
        }
    }
}
