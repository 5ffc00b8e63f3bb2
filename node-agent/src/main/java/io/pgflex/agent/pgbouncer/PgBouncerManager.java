package io.pgflex.agent.pgbouncer;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.config.HbaConf;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.agent.sql.InstanceSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs the built-in PgBouncer of an instance (one process per server, as the PostgreSQL OS user,
 * on the server's port + 1000): starts it when {@code pgbouncer.enabled} is on, reloads it when its
 * parameters or firewall rules change (no restart, clients stay connected), stops it when turned
 * off or when the server stops. Like PostgreSQL it keeps running when the agent restarts.
 */
@ApplicationScoped
public class PgBouncerManager {
    private static final Logger LOG = Logger.getLogger(PgBouncerManager.class);
    public static final int PORT_OFFSET = 1000;

    private final AgentConfig config;
    private final OsCommands os;
    private final InstanceSql sql;
    private volatile Boolean knowsMaxPrepared;

    public PgBouncerManager(AgentConfig config, OsCommands os, InstanceSql sql) {
        this.config = config;
        this.os = os;
        this.sql = sql;
    }

    public static int port(InstanceRecord record) {
        return record.port() + PORT_OFFSET;
    }

    /** Brings the instance's PgBouncer to its parameters; the instance runs. */
    public void apply(InstanceLayout layout, InstanceRecord record) throws SQLException {
        Map<String, String> parameters = record.spec().parameters() == null ? Map.of() : record.spec().parameters();
        if (!PgBouncerSettings.enabled(parameters)) {
            stop(layout, record.instanceId());
            return;
        }
        ensureAuthLookup(layout, record.port());
        PgBouncerConf.Input in = new PgBouncerConf.Input(layout.pgbouncer().toString(), layout.run().toString(),
                config.listenAddresses(), record.port(), port(record), layout.tls().toString(),
                layout.log().resolve("pgbouncer.log").toString(), parameters,
                record.spec().firewallRules() == null ? List.of() : record.spec().firewallRules(),
                record.spec().publicNetworkAccess(), config.routerAddresses(), knowsMaxPrepared());
        String ini = PgBouncerConf.ini(in);
        String hba = PgBouncerConf.hba(in);
        OsCommands.writeIfChanged(layout.pgbouncer().resolve("pgbouncer.ini"), ini);
        OsCommands.writeIfChanged(layout.pgbouncer().resolve("hba.conf"), hba);
        OsCommands.writeIfChanged(layout.pgbouncer().resolve("users.txt"), PgBouncerConf.users());
        os.chownToPostgres(layout.pgbouncer());
        // "applied" records what the running PgBouncer took in, written only after its start or
        // reload: a reload lost to a crash (or a failed signal) is done on the next apply
        String wanted = io.pgflex.agent.config.PostgresConf.sha256(ini + "\n--\n" + hba);
        Path applied = layout.pgbouncer().resolve("applied");
        Long pid = pid(layout);
        if (pid == null) {
            LOG.infof("instance %s: starting PgBouncer on port %d", record.instanceId(), port(record));
            os.runAsPostgres(layout.root(), Map.of(), 30, config.pgbouncerBin(), "-d",
                    layout.pgbouncer().resolve("pgbouncer.ini").toString());
            awaitPidFile(layout);
            OsCommands.writeIfChanged(applied, wanted);
        } else if (!wanted.equals(read(applied))) {
            LOG.infof("instance %s: PgBouncer settings changed, reloading it", record.instanceId());
            OsCommands.Result r = os.run(Path.of("/"), Map.of(), 10, List.of("kill", "-HUP", Long.toString(pid)));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("PgBouncer was not reloaded: " + r.output().strip());
            }
            OsCommands.writeIfChanged(applied, wanted);
        }
    }

    /**
     * {@code pgbouncer -d} returns once it forked; its daemon writes the pid file a moment later
     * (later still on a busy host): the apply answers once PgBouncer is there.
     */
    private void awaitPidFile(InstanceLayout layout) {
        if (!awaitUntil(() -> pid(layout) != null) && !Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("PgBouncer did not start within 10 s: see " + layout.log().resolve("pgbouncer.log"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the instance's PgBouncer if it runs (its clients are disconnected). */
    public void stop(InstanceLayout layout, String instanceId) {
        Long pid = pid(layout);
        if (pid == null) {
            return;
        }
        LOG.infof("instance %s: stopping PgBouncer", instanceId);
        signal(pid, "TERM");
        if (!awaitUntil(() -> !pid.equals(pid(layout))) && !Thread.currentThread().isInterrupted()) {
            signal(pid, "KILL");
        }
    }

    /** Polls {@code done} every 20 ms for up to 10 s; whether it came true (false also when interrupted). */
    private static boolean awaitUntil(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public boolean running(InstanceLayout layout) {
        return pid(layout) != null;
    }

    /** One row of SHOW POOLS. */
    public record Pool(String database, String user, long clientsActive, long clientsWaiting, long serversActive,
                       long serversIdle, long serversUsed, long maxWaitSeconds, String mode) {
    }

    /** SHOW POOLS on the admin console, over PgBouncer's Unix socket as the agent's role. */
    public List<Pool> pools(InstanceLayout layout, InstanceRecord record) throws java.io.IOException {
        List<Pool> pools = new ArrayList<>();
        for (Map<String, String> r : AdminConsole.query(layout.run().resolve(".s.PGSQL." + port(record)), HbaConf.AGENT_ROLE,
                "SHOW POOLS")) {
            pools.add(new Pool(r.get("database"), r.get("user"), num(r.get("cl_active")), num(r.get("cl_waiting")),
                    num(r.get("sv_active")), num(r.get("sv_idle")), num(r.get("sv_used")), num(r.get("maxwait")),
                    r.get("pool_mode")));
        }
        return pools;
    }

    private static long num(String value) {
        return value == null || value.isBlank() ? 0 : Long.parseLong(value.trim());
    }

    /**
     * The auth_user and the lookup function PgBouncer's auth_query calls, in every database that
     * takes connections (auth_query runs in the database the client asks for). The function returns
     * SCRAM verifiers of ordinary roles only, never of superusers or pgflex's roles.
     */
    public void ensureAuthLookup(InstanceLayout layout, int port) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Connection c = sql.connect(layout, port, "postgres"); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = local"); // idempotent bookkeeping: never waits for a standby
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return; // a standby gets role and function from its primary
                }
            }
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + HbaConf.PGBOUNCER_ROLE
                    + "') THEN CREATE ROLE " + HbaConf.PGBOUNCER_ROLE + " LOGIN NOINHERIT; END IF; END $$");
            try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            }
        }
        for (String db : databases) {
            try (Connection c = sql.connect(layout, port, db); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace"
                        + " WHERE nspname = 'pgflex'")) {
                    if (rs.next() && !HbaConf.AGENT_ROLE.equals(rs.getString(1))) {
                        // someone else's schema of that name: PgBouncer's lookup must not run code they own
                        LOG.errorf("database %s has a schema pgflex owned by %s: PgBouncer cannot authenticate"
                                + " clients of this database until it is renamed", db, rs.getString(1));
                        continue;
                    }
                }
                // created again every time (cheap, idempotent): what runs is always pgflex's own definition
                s.execute("CREATE SCHEMA IF NOT EXISTS pgflex");
                s.execute("REVOKE ALL ON SCHEMA pgflex FROM PUBLIC");
                s.execute("CREATE OR REPLACE FUNCTION pgflex.pgbouncer_auth(p_user text)"
                        + " RETURNS TABLE (usename name, passwd text) LANGUAGE sql SECURITY DEFINER"
                        + " SET search_path = pg_catalog AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow"
                        + " WHERE usename = p_user AND NOT usesuper AND usename NOT IN ('" + HbaConf.AGENT_ROLE + "', '"
                        + HbaConf.PGBOUNCER_ROLE + "') $$");
                s.execute("REVOKE ALL ON FUNCTION pgflex.pgbouncer_auth(text) FROM PUBLIC");
                s.execute("GRANT USAGE ON SCHEMA pgflex TO " + HbaConf.PGBOUNCER_ROLE);
                s.execute("GRANT EXECUTE ON FUNCTION pgflex.pgbouncer_auth(text) TO " + HbaConf.PGBOUNCER_ROLE);
            } catch (SQLException e) {
                // one database that cannot take the function (being dropped, say) does not stop the others
                LOG.warnf("database %s: PgBouncer's lookup function not installed: %s", db, e.getMessage());
            }
        }
    }

    private boolean knowsMaxPrepared() {
        if (knowsMaxPrepared == null) {
            String out = os.run(Path.of("/"), Map.of(), 10, List.of(config.pgbouncerBin(), "--version")).output();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("PgBouncer (\\d+)\\.(\\d+)").matcher(out);
            knowsMaxPrepared = m.find() && (Integer.parseInt(m.group(1)) > 1 || Integer.parseInt(m.group(2)) >= 21);
        }
        return knowsMaxPrepared;
    }

    /** PgBouncer's pid when the process in its pid file is a PgBouncer that runs. */
    private static Long pid(InstanceLayout layout) {
        return OsCommands.livePid(layout.pgbouncer().resolve("pgbouncer.pid"), "pgbouncer");
    }

    private void signal(long pid, String signal) {
        os.run(Path.of("/"), Map.of(), 10, List.of("kill", "-" + signal, Long.toString(pid)));
    }
}
