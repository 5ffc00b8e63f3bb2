package io.pgflex.selfcheck;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A tenant's connection to one of its servers with pgjdbc: verified TLS against the server's published CA
 * ({@code sslmode=verify-full}, host {@code localhost}: a name in the server's certificate), SCRAM.
 */
final class Tenant {
    private final String user;
    private final String password;

    Tenant(String user, String password) {
        this.user = user;
        this.password = password;
    }

    /** Runs the statements in one session and gives the first column of the last one's first row (null: no row). */
    String query(int port, Path ca, String... statements) throws SQLException {
        try (Connection c = connect("localhost", port, "postgres", "verify-full", ca); Statement st = c.createStatement()) {
            String last = null;
            for (String sql : statements) {
                if (st.execute(sql)) {
                    try (ResultSet rs = st.getResultSet()) {
                        last = rs.next() ? rs.getString(1) : null;
                    }
                }
            }
            return last;
        }
    }

    Connection connect(String host, int port, String database, String sslMode, Path ca) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", sslMode);
        if (ca != null) {
            p.setProperty("sslrootcert", ca.toString());
        }
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        p.setProperty("ApplicationName", "pgflex-self-check");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, p);
    }
}
