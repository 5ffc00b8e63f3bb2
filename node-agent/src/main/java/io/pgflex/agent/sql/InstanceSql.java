package io.pgflex.agent.sql;

import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.contracts.agent.Collations;
import io.pgflex.contracts.agent.DatabaseSpec;
import io.pgflex.contracts.agent.ParameterInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * SQL the agent runs on its own instances, as its own role over the instance's Unix socket (the
 * only way that role may connect: pg_hba rejects it over TCP).
 */
@ApplicationScoped
public class InstanceSql {
    private static final java.sql.Driver DRIVER = new org.postgresql.Driver();

    /**
     * The agent's statements (role and password changes among them) stay out of everything a tenant
     * can read, whatever the tenant configured: the server log (log_statement, slow queries, the
     * statement of an error, auto_explain), pg_stat_statements and pg_stat_activity (the admin login
     * has pg_monitor). Each is a superuser-only setting, so only the agent's own sessions get it.
     */
    static final String UNSEEN = "-c log_statement=none -c log_min_duration_statement=-1 -c log_min_error_statement=panic"
            + " -c log_duration=off -c auto_explain.log_min_duration=-1 -c pg_stat_statements.track=none"
            + " -c pg_stat_statements.track_utility=off -c track_activities=off";

    public Connection connect(InstanceLayout layout, int port, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", HbaConf.AGENT_ROLE);
        props.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
        props.setProperty("socketFactoryArg", layout.run().resolve(".s.PGSQL." + port).toString());
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "pgflex-agent");
        // the name as a property, not in the URL: a database named with URL syntax stays a name
        props.setProperty("PGDBNAME", database);
        // tenants own databases and may set their search_path: the agent (a superuser) resolves
        // names in pg_catalog only, never in a schema a tenant could fill
        // and writes even while the server is read-only for full storage (default_transaction_read_only)
        props.setProperty("options", "-c search_path=pg_catalog,pg_temp -c default_transaction_read_only=off " + UNSEEN);
        // the driver itself, not DriverManager: its registry is tied to the class loader that loaded the
        // driver first (a second application in the same JVM, as Quarkus tests start, finds none)
        Connection c = DRIVER.connect("jdbc:postgresql://localhost:" + port + "/", props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    /**
     * Creates or updates the admin login: not a superuser, but may create databases, create roles
     * (from PostgreSQL 16, where CREATEROLE no longer reaches every role) and read and write all
     * data (pg_read_all_data/pg_write_all_data from PostgreSQL 14 on).
     */
    public void ensureAdmin(InstanceLayout layout, int port, int major, String login, String scramVerifier) throws SQLException {
        String role = quoteIdent(login);
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            // re-applied with every apply; must not wait for a standby that may be gone (it would hold the instance)
            s.execute("SET synchronous_commit = local");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + quoteLiteral(login)
                    + ") THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            // before 16, CREATEROLE lets a role grant itself any role (pg_execute_server_program: shell as
            // the postgres OS user), so the admin gets it only where PostgreSQL confines it
            s.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER CREATEDB " + (major >= 16 ? "CREATEROLE" : "NOCREATEROLE")
                    + " NOREPLICATION" + (scramVerifier == null ? "" : " PASSWORD " + quoteLiteral(scramVerifier)));
            String grants = major >= 14 ? "pg_read_all_data, pg_write_all_data, pg_monitor, pg_signal_backend"
                    : "pg_monitor, pg_signal_backend";
            s.execute("GRANT " + grants + " TO " + role);
            // PostgreSQL 15 took CREATE on schema public away from everyone: give it back to the admin
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        }
        try (Connection c = connect(layout, port, "template1"); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = local");
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        }
    }

    /** The probe role: may log in to database postgres and nothing else (its password is the agents' probe password). */
    public void ensureProbeRole(InstanceLayout layout, int port, String password) throws SQLException {
        String verifier = org.postgresql.util.PasswordUtil.encodeScramSha256(password.toCharArray());
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = local");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + HbaConf.PROBE_ROLE
                    + "') THEN CREATE ROLE " + HbaConf.PROBE_ROLE + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + HbaConf.PROBE_ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " CONNECTION LIMIT 5 PASSWORD " + quoteLiteral(verifier));
        }
    }

    /** The replication role standbys stream as, with {@code password} (stored as a SCRAM verifier). */
    public void ensureReplicationRole(Connection c, String password) throws SQLException {
        String verifier = org.postgresql.util.PasswordUtil.encodeScramSha256(password.toCharArray());
        try (Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + HbaConf.REPLICATION_ROLE
                    + "') THEN CREATE ROLE " + HbaConf.REPLICATION_ROLE + " LOGIN REPLICATION; END IF; END $$");
            s.execute("ALTER ROLE " + HbaConf.REPLICATION_ROLE + " WITH LOGIN REPLICATION NOSUPERUSER PASSWORD "
                    + quoteLiteral(verifier));
        }
    }

    public List<ParameterInfo> parameters(InstanceLayout layout, int port) throws SQLException {
        List<ParameterInfo> out = new ArrayList<>();
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, setting, unit, boot_val, vartype, min_val, max_val,"
                     + " enumvals, context, short_desc, pending_restart FROM pg_settings ORDER BY name")) {
            while (rs.next()) {
                Array enums = rs.getArray(8);
                out.add(new ParameterInfo(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        enums == null ? List.of() : List.of((String[]) enums.getArray()),
                        rs.getString(9), rs.getString(10), rs.getBoolean(11)));
            }
        }
        return out;
    }

    public List<DatabaseSpec> databases(InstanceLayout layout, int port) throws SQLException {
        List<DatabaseSpec> out = new ArrayList<>();
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            int version = serverVersion(s);
            // a database on the ICU provider shows the name it was asked for (en-US: en_US.utf8)
            String icuLocale = version >= 170000 ? "CASE WHEN datlocprovider = 'i' THEN datlocale END"
                    : version >= 150000 ? "CASE WHEN datlocprovider = 'i' THEN daticulocale END" : "NULL";
            try (ResultSet rs = s.executeQuery("SELECT datname, pg_encoding_to_char(encoding), datcollate, " + icuLocale
                    + " FROM pg_database WHERE NOT datistemplate ORDER BY datname")) {
                while (rs.next()) {
                    String icu = rs.getString(4);
                    String shown = icu == null ? rs.getString(3) : java.util.Objects.requireNonNullElse(Collations.azureName(icu), icu);
                    out.add(new DatabaseSpec(rs.getString(1), rs.getString(2), shown));
                }
            }
        }
        return out;
    }

    /** CREATE DATABASE owned by the admin login, unless it exists. */
    public void createDatabase(InstanceLayout layout, int port, String owner, DatabaseSpec db)
            throws SQLException {
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + quoteLiteral(db.name()))) {
                if (rs.next()) {
                    return;
                }
            }
            boolean utf8 = db.charset() == null || db.charset().equalsIgnoreCase("UTF8");
            String create = "CREATE DATABASE " + quoteIdent(db.name()) + " WITH OWNER " + quoteIdent(owner)
                    + " TEMPLATE template0 ENCODING " + quoteLiteral(db.charset() == null ? "UTF8" : db.charset());
            if (!utf8) {
                String collation = db.collation() != null ? db.collation() : "C";
                s.execute(create + " LC_COLLATE " + quoteLiteral(collation) + " LC_CTYPE " + quoteLiteral(collation));
                return;
            }
            Collations.Choice choice = collations(s).choose(db.collation())
                    .orElseThrow(() -> new IllegalArgumentException("collation '" + db.collation()
                            + "' is not offered by this instance"));
            s.execute(create + " LC_COLLATE " + quoteLiteral(choice.libcLocale()) + " LC_CTYPE " + quoteLiteral(choice.libcLocale())
                    + (choice.icu() ? " LOCALE_PROVIDER icu ICU_LOCALE " + quoteLiteral(choice.icuLocale()) : ""));
        }
    }

    /** The instance's collations for a UTF-8 database: libc ones, and ICU locales from PostgreSQL 15 on. */
    public Collations collations(InstanceLayout layout, int port) throws SQLException {
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            return collations(s);
        }
    }

    /** Only pg_catalog's (a tenant may create collations of its own in public: they are no OS locale). */
    private static Collations collations(Statement s) throws SQLException {
        Map<String, String> libc = new LinkedHashMap<>();
        List<String> icu = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT collname, collcollate FROM pg_collation WHERE collprovider = 'c'"
                + " AND collnamespace = 'pg_catalog'::regnamespace AND collencoding IN (-1, pg_char_to_encoding('UTF8'))"
                + " AND collcollate IS NOT NULL")) {
            while (rs.next()) {
                libc.put(rs.getString(1), rs.getString(2));
            }
        }
        if (serverVersion(s) >= 150000) { // ICU as a database's provider
            try (ResultSet rs = s.executeQuery("SELECT regexp_replace(collname, '-x-icu$', '') FROM pg_collation"
                    + " WHERE collprovider = 'i' AND collnamespace = 'pg_catalog'::regnamespace AND collname LIKE '%-x-icu'")) {
                while (rs.next()) {
                    icu.add(rs.getString(1));
                }
            }
        }
        return new Collations(libc, icu);
    }

    private static int serverVersion(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public void dropDatabase(InstanceLayout layout, int port, int major, String name) throws SQLException {
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoteIdent(name) + (major >= 13 ? " WITH (FORCE)" : ""));
        }
    }

    public static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    public static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Whether the server on {@code c} is a standby (in recovery). */
    public static boolean inRecovery(java.sql.Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            return inRecovery(s);
        }
    }

    /** Whether the server is a standby (in recovery), asked on {@code s}. */
    public static boolean inRecovery(java.sql.Statement s) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The first column of the first row of {@code query}. */
    public static String one(java.sql.Statement s, String query) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
