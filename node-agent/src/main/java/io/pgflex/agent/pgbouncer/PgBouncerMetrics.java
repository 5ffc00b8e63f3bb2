package io.pgflex.agent.pgbouncer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.jboss.logging.Logger;

/**
 * The built-in PgBouncers' pools (SHOW POOLS) as Prometheus metrics on the agent's /q/metrics:
 * {@code pgflex_pgbouncer_clients_active}, {@code _clients_waiting}, {@code _servers_active},
 * {@code _servers_idle}, {@code _max_wait_seconds}, tagged with server, database and user. Read
 * every 15 s; a pool that is gone disappears from the next scrape.
 */
@ApplicationScoped
public class PgBouncerMetrics {
    private static final Logger LOG = Logger.getLogger(PgBouncerMetrics.class);

    private final InstanceStore store;
    private final PgBouncerManager pgbouncer;
    private final List<Metric> metrics = new ArrayList<>();

    private record Metric(MultiGauge gauge, ToLongFunction<PgBouncerManager.Pool> value) {
    }

    private record Row(String serverId, PgBouncerManager.Pool pool) {
    }

    public PgBouncerMetrics(InstanceStore store, PgBouncerManager pgbouncer, MeterRegistry registry) {
        this.store = store;
        this.pgbouncer = pgbouncer;
        add(registry, "pgflex.pgbouncer.clients.active", "Client connections linked to a server connection", PgBouncerManager.Pool::clientsActive);
        add(registry, "pgflex.pgbouncer.clients.waiting", "Client connections waiting for a server connection", PgBouncerManager.Pool::clientsWaiting);
        add(registry, "pgflex.pgbouncer.servers.active", "Server connections linked to a client", PgBouncerManager.Pool::serversActive);
        add(registry, "pgflex.pgbouncer.servers.idle", "Server connections idle in the pool", PgBouncerManager.Pool::serversIdle);
        add(registry, "pgflex.pgbouncer.max.wait.seconds", "Longest wait of a queued client", PgBouncerManager.Pool::maxWaitSeconds);
    }

    private void add(MeterRegistry registry, String name, String description, ToLongFunction<PgBouncerManager.Pool> value) {
        metrics.add(new Metric(MultiGauge.builder(name).description(description).register(registry), value));
    }

    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scrape() {
        List<Row> rows = new ArrayList<>();
        for (InstanceRecord record : store.records()) {
            InstanceLayout layout = store.layout(record.instanceId());
            if (!pgbouncer.running(layout)) {
                continue;
            }
            try {
                pgbouncer.pools(layout, record).forEach(p -> rows.add(new Row(record.serverId(), p)));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warnf("PgBouncer of %s: SHOW POOLS failed: %s", record.instanceId(), e.getMessage());
            }
        }
        for (Metric m : metrics) {
            m.gauge().register(rows.stream().filter(r -> !"pgbouncer".equals(r.pool().database()))
                    .map(r -> MultiGauge.Row.of(Tags.of("server_id", r.serverId(), "database", r.pool().database(),
                            "user", r.pool().user()), m.value().applyAsLong(r.pool())))
                    .map(r -> (MultiGauge.Row<?>) r).toList(), true);
        }
    }
}
