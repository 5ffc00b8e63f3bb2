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
    /** The probe role: no privileges, database postgres only, TLS and SCRAM, platform addresses only. */
    public static final String ROLE = "pgflex_probe";

    /**
     * The probe role's password on one server: HMAC-SHA256 of the server's id under the platform's
     * probe secret (which ha-service and the agents hold, from a file). Each server's probe role so
     * has its own random-looking password, and one server's (were it ever read off a host) opens
     * no other server.
     */
    public static String password(String probeSecret, String serverId) {
        if (probeSecret == null || probeSecret.length() < 16) {
            throw new IllegalArgumentException("the probe secret must be at least 16 characters");
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(probeSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("pgflex-probe:" + serverId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private Probes() {
    }

    private static final java.util.concurrent.ExecutorService PROBES = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgflex-sql-probe");
        t.setDaemon(true);
        return t;
    });

    /** What a probe found. */
    public enum Outcome {
        /** Logged in and answered a query. */
        ANSWERS,
        /**
         * PostgreSQL answered but refused the probe's login (wrong password, no pg_hba line): it is up
         * and serving, and the probe is misconfigured — never a reason to fail over.
         */
        REFUSES_LOGIN,
        /** Too many connections (53300): alive and serving. */
        BUSY,
        /** No answer in time, or not serving (starting up, recovering, shutting down). */
        DOWN;

        public boolean alive() {
            return this != DOWN;
        }
    }

    /** Whether the primary is alive (see {@link #probe}). */
    public static boolean sql(String host, int port, String password, long timeoutMillis) {
        return probe(host, port, password, timeoutMillis).alive();
    }

    /** The probe with an answer within {@code timeoutMillis} (the driver's own timeouts are whole seconds). */
    public static Outcome probe(String host, int port, String password, long timeoutMillis) {
        try {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> probe(host, port, password), PROBES)
                    .get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return Outcome.DOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.DOWN;
        }
    }

    static Outcome probe(String host, int port, String password) {
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        // SCRAM-SHA-256-PLUS bound to this TLS channel, nothing weaker: a host in the middle can
        // neither downgrade the login to a password in clear nor relay it to the real server
        p.setProperty("channelBinding", "require");
        p.setProperty("connectTimeout", "1");
        p.setProperty("loginTimeout", "1");
        p.setProperty("socketTimeout", "1");
        p.setProperty("ApplicationName", "pgflex-health-probe");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next() ? Outcome.ANSWERS : Outcome.DOWN;
        } catch (SQLException e) {
            // a primary so busy that it turns the probe away (too many connections: 53300) is alive and
            // serving, and so is one that refuses the login itself (28P01 password, 28000 pg_hba): a
            // probe secret that does not match must not look like an outage and fail servers over; one
            // that is starting up, recovering or shutting down (57P..) is not serving
            String state = e.getSQLState();
            if ("53300".equals(state)) {
                return Outcome.BUSY;
            }
            return "28P01".equals(state) || "28000".equals(state) ? Outcome.REFUSES_LOGIN : Outcome.DOWN;
        }
    }
}
