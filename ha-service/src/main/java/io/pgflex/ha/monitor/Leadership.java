package io.pgflex.ha.monitor;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.DriverManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One ha-service replica acts at a time: the one holding a session-level advisory lock in its
 * control-plane database, on a connection kept for that purpose. Another replica takes over when
 * the leader's session ends (process gone, connection lost); a leader that loses its connection
 * stops acting at once, before the database lets anyone else lead.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    static final long LOCK_KEY = 7402105;

    private final long key;
    private final String url;
    private final String user;
    private final String password;
    private Connection held;

    /** Its own connection, outside the pool: closing it ends the session, and with it the lock. */
    @jakarta.inject.Inject
    public Leadership(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                      @ConfigProperty(name = "quarkus.datasource.username") String user,
                      @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this(LOCK_KEY, url, user, password.orElse(""));
    }

    Leadership(long key, String url, String user, String password) {
        this.key = key;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Whether this replica leads now (tries to become the leader when it does not). */
    public synchronized boolean lead() {
        try {
            if (held != null && held.isValid(1)) {
                return true;
            }
            if (held != null) {
                LOG.warn("ha-service lost its leadership connection: it stops acting until it leads again");
                release();
            }
            java.util.Properties p = new java.util.Properties();
            p.setProperty("user", user);
            p.setProperty("password", password);
            p.setProperty("connectTimeout", "5");
            p.setProperty("tcpKeepAlive", "true");
            p.setProperty("ApplicationName", "ha-service leadership");
            Connection c = DriverManager.getConnection(url, p);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    held = c;
                    LOG.info("this ha-service replica leads: it runs the HA state machines");
                    return true;
                }
            }
            c.close();
            return false;
        } catch (SQLException e) {
            release();
            return false;
        }
    }

    private void release() {
        if (held != null) {
            try {
                held.close();
            } catch (SQLException ignored) {
                // gone either way
            }
            held = null;
        }
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        release();
    }
}
