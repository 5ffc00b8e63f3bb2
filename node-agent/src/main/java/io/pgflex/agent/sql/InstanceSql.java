package io.pgflex.agent.sql;

import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.instances.InstanceLayout;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * SQL the agent runs on its own instances, as its own role over the instance's Unix socket (the
 * only way that role may connect: pg_hba rejects it over TCP).
 */
@ApplicationScoped
public class InstanceSql {

    public Connection connect(InstanceLayout layout, int port, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", HbaConf.AGENT_ROLE);
        props.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
        props.setProperty("socketFactoryArg", layout.run().resolve(".s.PGSQL." + port).toString());
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "pgflex-agent");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, props);
    }

    /**
     * Creates or updates the admin login: not a superuser, but may create databases and roles and
     * read and write all data (pg_read_all_data/pg_write_all_data from PostgreSQL 14 on).
     */
    public void ensureAdmin(InstanceLayout layout, int port, int major, String login, String scramVerifier) throws SQLException {
        String role = quoteIdent(login);
        try (Connection c = connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + quoteLiteral(login)
                    + ") THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER CREATEDB CREATEROLE NOREPLICATION"
                    + (scramVerifier == null ? "" : " PASSWORD " + quoteLiteral(scramVerifier)));
            String grants = major >= 14 ? "pg_read_all_data, pg_write_all_data, pg_monitor, pg_signal_backend"
                    : "pg_monitor, pg_signal_backend";
            s.execute("GRANT " + grants + " TO " + role);
            // PostgreSQL 15 took CREATE on schema public away from everyone: give it back to the admin
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        }
        try (Connection c = connect(layout, port, "template1"); Statement s = c.createStatement()) {
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        }
    }

    public static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    public static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
