package io.pgflex.agent.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.archive.BackupStorage;
import io.pgflex.agent.events.DirectEvents;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.RestoreState;
import io.pgflex.agent.sql.InstanceSql;
import io.pgflex.contracts.agent.Sku;
import io.pgflex.contracts.events.MetricPoint;
import io.pgflex.contracts.events.MetricsReported;
import io.pgflex.contracts.events.SlowQuery;
import io.pgflex.contracts.events.StatementStats;
import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Every metrics interval (a minute; shorter in tests), one MetricsReported batch per instance of
 * this host to pgflex.metrics, with Azure's metric names: CPU and memory of the instance's process
 * tree against its SKU, storage against its provisioned size, connections, transactions,
 * replication delay, slow queries from its log and the costliest pg_stat_statements lines. A
 * stopped instance still reports is_db_alive 0 and its storage.
 */
@ApplicationScoped
public class MetricsCollector {
    private static final Logger LOG = Logger.getLogger(MetricsCollector.class);
    private static final long PAGE = 8192;
    private static final int TOP_STATEMENTS = 20;
    private static final Duration BACKUP_SIZE_EVERY = Duration.ofMinutes(5);

    private final Emitter<byte[]> emitter;
    private final InstanceStore store;
    private final InstanceSql sql;
    private final BackupStorage backups;
    private final AgentConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** What the previous reading of one instance saw (counters are turned into per-interval values). */
    private static final class State {
        Instant at;
        ProcessTree.Reading process;
        InstanceStats.Snapshot stats;
        ServerLog log;
        long backupBytes = -1;
        Instant backupMeasuredAt = Instant.EPOCH;
    }

    public MetricsCollector(@Channel("metrics") Emitter<byte[]> emitter, InstanceStore store, InstanceSql sql,
                            BackupStorage backups, AgentConfig config, ObjectMapper json, Clock clock) {
        this.emitter = emitter;
        this.store = store;
        this.sql = sql;
        this.backups = backups;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Looks every couple of seconds (or every interval, when that is shorter) and collects the
     * instances whose interval has passed: a new instance reports within seconds, not a minute.
     */
    @Scheduled(every = "${pgflex.agent.metrics-tick:2s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void collect() {
        List<InstanceRecord> records = store.records();
        states.keySet().retainAll(records.stream().map(InstanceRecord::instanceId).toList());
        Instant now = clock.instant();
        for (InstanceRecord record : records) {
            State state = states.get(record.instanceId());
            if (state != null && state.at != null && now.isBefore(state.at.plus(config.metricsInterval()).minusMillis(500))) {
                continue;
            }
            if (scratch(record)) {
                continue; // a restore drill's throwaway instance is not the server
            }
            try {
                MetricsReported batch = sample(record);
                emitter.send(DirectEvents.message(batch, config.id(), batch.collectedAt(), json));
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.warnf("metrics of instance %s not sent: %s", record.instanceId(), e.getMessage());
            }
        }
    }

    private boolean scratch(InstanceRecord record) {
        try {
            return RestoreState.read(store.layout(record.instanceId())).map(RestoreState::scratch).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    MetricsReported sample(InstanceRecord record) {
        Instant now = clock.instant();
        State state = states.computeIfAbsent(record.instanceId(), id -> new State());
        InstanceLayout layout = store.layout(record.instanceId());
        int major = Integer.parseInt(record.engineVersion().split("\\.")[0]);
        if (state.log == null) {
            state.log = new ServerLog(layout.log(), major >= 15, InstanceStats.INTERNAL, json);
        }
        double seconds = state.at == null ? 0 : Math.max(0.001, Duration.between(state.at, now).toMillis() / 1000.0);
        String role = store.role(record);
        Points points = new Points(now);
        storage(record, layout, points);
        List<StatementStats> top = List.of();
        OptionalLong postmaster = store.postmaster(record.instanceId());
        boolean alive = false;
        if (postmaster.isPresent()) {
            process(record, postmaster.getAsLong(), state, seconds, points);
            try (Connection c = sql.connect(layout, record.port(), "postgres")) {
                try (java.sql.Statement s = c.createStatement()) {
                    // a stuck instance must not hold the collector (it serves every instance of the host), and
                    // creating pg_stat_statements must not wait for a synchronous standby that is away
                    s.execute("SET statement_timeout = '10s'; SET lock_timeout = '2s'; SET synchronous_commit = local");
                }
                InstanceStats.Snapshot stats = InstanceStats.read(c);
                alive = true;
                database(stats, state.stats, seconds, points);
                state.stats = stats;
                top = topStatements(c, !stats.inRecovery());
                role = stats.inRecovery() ? "Standby" : "Primary";
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.debugf("instance %s did not answer its metrics query: %s", record.instanceId(), e.getMessage());
                state.stats = null;
            }
        } else {
            state.process = null;
            state.stats = null;
        }
        points.add(MetricName.IS_DB_ALIVE, alive ? 1 : 0);
        ServerLog.Summary log = state.log.read();
        points.add(MetricName.CONNECTIONS_SUCCEEDED, log.connectionsSucceeded());
        points.add(MetricName.CONNECTIONS_FAILED, log.connectionsFailed());
        if ("Primary".equals(role)) {
            backupStorage(record, state, now, points);
        }
        state.at = now;
        List<SlowQuery> slow = log.slowQueries();
        return new MetricsReported(record.serverId(), record.subscriptionId(), null, MetricsReported.VERSION, config.id(),
                record.instanceId(), role, record.spec() == null ? null : record.spec().storageSizeGb(), points.list, slow, top, now);
    }

    private void storage(InstanceRecord record, InstanceLayout layout, Points points) {
        long[] sizes = io.pgflex.agent.storage.DirectorySize.bytes(layout.pgdata(), layout.pgdata().resolve("pg_wal"));
        long used = sizes[0];
        long wal = sizes[1];
        long limit = record.spec() == null ? 0 : (long) record.spec().storageSizeGb() * config.storageUnitBytes();
        points.add(MetricName.STORAGE_USED, used);
        points.add(MetricName.TXLOGS_STORAGE_USED, wal);
        points.add(MetricName.STORAGE_FREE, Math.max(0, limit - used));
        points.add(MetricName.STORAGE_PERCENT, limit <= 0 ? 0 : Math.min(100.0, 100.0 * used / limit));
    }

    private void process(InstanceRecord record, long postmaster, State state, double seconds, Points points) {
        ProcessTree.Reading now;
        try {
            now = ProcessTree.read(postmaster);
        } catch (java.io.IOException | RuntimeException e) {
            state.process = null;
            return;
        }
        Sku sku = record.spec() == null ? null : Sku.ofApiName(record.spec().skuName()).orElse(null);
        if (sku != null) {
            points.add(MetricName.MEMORY_PERCENT, 100.0 * now.pssBytes() / (sku.memoryGiB() * 1073741824.0));
        }
        if (state.process != null && seconds > 0) {
            if (sku != null) {
                double cpuSeconds = Math.max(0, now.cpuTicks() - state.process.cpuTicks()) / (double) ProcessTree.TICKS_PER_SECOND;
                points.add(MetricName.CPU_PERCENT, Math.min(100.0, 100.0 * cpuSeconds / (seconds * sku.vCores())));
            }
            ProcessTree.Io io = ProcessTree.ioBetween(state.process.ioByPid(), now.ioByPid());
            double readIops = io.readBytes() / (double) PAGE / seconds;
            double writeIops = io.writeBytes() / (double) PAGE / seconds;
            points.add(MetricName.READ_THROUGHPUT, io.readBytes() / seconds);
            points.add(MetricName.WRITE_THROUGHPUT, io.writeBytes() / seconds);
            points.add(MetricName.READ_IOPS, readIops);
            points.add(MetricName.WRITE_IOPS, writeIops);
            points.add(MetricName.DISK_IOPS, readIops + writeIops);
        }
        state.process = now;
    }

    private static void database(InstanceStats.Snapshot now, InstanceStats.Snapshot before, double seconds, Points points) {
        points.add(MetricName.ACTIVE_CONNECTIONS, now.activeConnections());
        points.add(MetricName.MAX_CONNECTIONS, now.maxConnections());
        points.add(MetricName.DATABASE_SIZE_BYTES, now.databaseBytes());
        points.add(MetricName.PHYSICAL_REPLICATION_DELAY_IN_BYTES, now.replicationDelayBytes());
        points.add(MetricName.PHYSICAL_REPLICATION_DELAY_IN_SECONDS, now.replicationDelaySeconds());
        if (before != null && seconds > 0) {
            // counters restart from 0 when statistics are reset or the instance restarts: no negative deltas
            long commits = Math.max(0, now.xactCommit() - before.xactCommit());
            long rollbacks = Math.max(0, now.xactRollback() - before.xactRollback());
            points.add(MetricName.XACT_COMMIT, commits);
            points.add(MetricName.XACT_ROLLBACK, rollbacks);
            points.add(MetricName.TPS, (commits + rollbacks) / seconds);
            points.add(MetricName.DEADLOCKS, Math.max(0, now.deadlocks() - before.deadlocks()));
        }
    }

    private static List<StatementStats> topStatements(Connection c, boolean primary) {
        try {
            return InstanceStats.topStatements(c, primary, TOP_STATEMENTS);
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warnf("pg_stat_statements not read: %s", e.getMessage());
            return List.of();
        }
    }

    /** Backup repository bytes of the server, listed every few minutes (listing a bucket costs). */
    private void backupStorage(InstanceRecord record, State state, Instant now, Points points) {
        if (Duration.between(state.backupMeasuredAt, now).compareTo(BACKUP_SIZE_EVERY) >= 0) {
            state.backupMeasuredAt = now;
            try {
                BackupRepository repo = backups.repository();
                state.backupBytes = repo.list(RepositoryLayout.server(record.serverId())).stream()
                        .mapToLong(BackupRepository.Entry::size).sum();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.debugf("backup repository size of %s not read: %s", record.serverId(), e.getMessage());
            }
        }
        if (state.backupBytes >= 0) {
            points.add(MetricName.BACKUP_STORAGE_USED, state.backupBytes);
        }
    }

    /** The points of one batch, all stamped with the collection time. */
    private static final class Points {
        final Instant at;
        final List<MetricPoint> list = new ArrayList<>();

        Points(Instant at) {
            this.at = at;
        }

        void add(MetricName metric, double value) {
            list.add(new MetricPoint(metric.metricName(), metric.unit().name(), value, at));
        }
    }
}
