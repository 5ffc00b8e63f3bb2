package io.pgflex.agent.health;

import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.InstanceSpec.DesiredState;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers "is this instance the healthy primary right now?" for the routers' health checks, which
 * ask several times a second: each instance keeps one connection over its Unix socket and one
 * probe in flight; an answer is reused for {@value #FRESH_MILLIS} ms. A PostgreSQL that does not
 * answer within {@value #TIMEOUT_MILLIS} ms (hung, stopped by SIGSTOP, overloaded) is not primary.
 */
@ApplicationScoped
public class PrimaryProbe {
    static final long FRESH_MILLIS = 50;
    static final long TIMEOUT_MILLIS = 400;

    /**
     * What the probe saw. {@code known} is false when PostgreSQL did not answer in time: a slow
     * primary is not evidence of a dead one, so the routers' agent-check then gives no answer
     * (HAProxy keeps the member as it is) rather than "down" (which would cut its sessions).
     */
    public record Observation(boolean primary, String detail, long atNanos, boolean known, boolean liveStandby,
                              boolean isolated) {
        Observation(boolean primary, String detail, long atNanos) {
            this(primary, detail, atNanos, true, false, false);
        }

        Observation(boolean primary, String detail, long atNanos, boolean known) {
            this(primary, detail, atNanos, known, false, false);
        }
    }

    private final InstanceStore store;
    private final InstanceSql sql;
    private final Map<String, Observation> last = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Observation>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgflex-primary-probe");
        t.setDaemon(true);
        return t;
    });

    private final io.pgflex.agent.fencing.HaLease lease;

    public PrimaryProbe(InstanceStore store, InstanceSql sql, io.pgflex.agent.fencing.HaLease lease) {
        this.store = store;
        this.sql = sql;
        this.lease = lease;
    }

    /** The instance of {@code serverId} this agent holds, if any. */
    public Optional<InstanceRecord> instanceOf(String serverId) {
        return store.records().stream().filter(r -> serverId.equals(r.serverId())).findFirst();
    }

    public Observation observe(InstanceRecord record) {
        String id = record.instanceId();
        InstanceLayout layout = store.layout(id);
        if (record.spec() == null || record.spec().desiredState() != DesiredState.Running) {
            return new Observation(false, "the server is stopped", System.nanoTime());
        }
        if (Files.exists(layout.fencedMark())) {
            return new Observation(false, "the instance is fenced", System.nanoTime());
        }
        Observation seen = last.get(id);
        if (seen != null && System.nanoTime() - seen.atNanos() < TimeUnit.MILLISECONDS.toNanos(FRESH_MILLIS)) {
            return judged(id, seen);
        }
        // one probe per instance at a time: a caller joins the one in flight, or starts a new one
        CompletableFuture<Observation> probe = inFlight.compute(id, (k, running) -> running != null && !running.isDone()
                ? running : CompletableFuture.supplyAsync(() -> probe(layout, record), probes));
        try {
            Observation o = probe.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            last.put(id, o);
            return judged(id, o);
        } catch (TimeoutException e) {
            return new Observation(false, "PostgreSQL did not answer within " + TIMEOUT_MILLIS + " ms", System.nanoTime(), false);
        } catch (ExecutionException e) {
            return new Observation(false, String.valueOf(e.getCause().getMessage()), System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Observation(false, "interrupted", System.nanoTime());
        }
    }

    /** A synchronous primary cut off from ha-service and its standby may have been failed over: not primary. */
    private Observation judged(String id, Observation o) {
        if (o.primary() && lease.isolated(id, store.replication(id).orElse(null), o.liveStandby())) {
            return new Observation(false, "isolated: no word from ha-service or its standby for " + lease.timeoutMillis()
                    + " ms", o.atNanos(), true, false, true);
        }
        return o;
    }

    private Observation probe(InstanceLayout layout, InstanceRecord record) {
        String id = record.instanceId();
        try {
            Connection c = connections.get(id);
            if (c == null || c.isClosed()) {
                c = sql.connect(layout, record.port(), "postgres");
                c.setNetworkTimeout(probes, 5_000); // a hung server does not hold the probe forever
                connections.put(id, c);
            }
            // a standby that answered within the isolation timeout: the primary is not cut off
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(),"
                    + " (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND reply_time > now() - "
                    + lease.timeoutMillis() + " * interval '1 millisecond')")) {
                rs.next();
                boolean standby = rs.getBoolean(1);
                return new Observation(!standby, standby ? "the instance is a standby" : "primary", System.nanoTime(), true,
                        rs.getLong(2) > 0, false);
            }
        } catch (SQLException | RuntimeException e) {
            Connection broken = connections.remove(id);
            if (broken != null) {
                try {
                    broken.close();
                } catch (SQLException ignored) {
                    // it is gone either way
                }
            }
            return new Observation(false, "PostgreSQL is not serving: " + e.getMessage(), System.nanoTime());
        }
    }

    @PreDestroy
    void close() {
        probes.shutdownNow();
        connections.values().forEach(c -> {
            try {
                c.close();
            } catch (SQLException ignored) {
                // shutting down
            }
        });
    }
}
