package io.pgflex.contracts.agent;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The probe of a primary that ha-service and standbys' agents run: log in over TLS as the probe
 * role and run a query, all within about a second (a hung host accepts TCP but never answers TLS).
 * Needs the PostgreSQL JDBC driver on the class path.
 */
public final class Probes {
    /** The probe role: no privileges, database postgres only, TLS and SCRAM. */
    public static final String ROLE = "pgflex_probe";

    private Probes() {
    }

    private static final java.util.concurrent.ExecutorService PROBES = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgflex-sql-probe");
        t.setDaemon(true);
        return t;
    });

    /** The probe with an answer within {@code timeoutMillis} (the driver's own timeouts are whole seconds). */
    public static boolean sql(String host, int port, String password, long timeoutMillis) {
        try {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> sql(host, port, password), PROBES)
                    .get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static boolean sql(String host, int port, String password) {
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", "1");
        p.setProperty("loginTimeout", "1");
        p.setProperty("socketTimeout", "1");
        p.setProperty("ApplicationName", "pgflex-health-probe");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (SQLException e) {
            // a primary so busy that it turns the probe away (too many connections: 53300) is alive and
            // serving; one that is starting up, recovering or shutting down (57P..) is not
            return "53300".equals(e.getSQLState());
        }
    }
}
