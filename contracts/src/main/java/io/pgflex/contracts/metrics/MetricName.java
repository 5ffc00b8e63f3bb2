package io.pgflex.contracts.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The per-server metrics pgflex collects, with Azure Database for PostgreSQL flexible server's
 * names, units and default aggregation. Node agents report them (one batch per instance per
 * interval); monitoring-service stores and serves them.
 */
public enum MetricName {
    CPU_PERCENT("cpu_percent", Unit.Percent, Aggregation.Average, "CPU percent of the instance's process tree against its SKU's vCores"),
    MEMORY_PERCENT("memory_percent", Unit.Percent, Aggregation.Average, "Memory (proportional set size of the process tree) against its SKU's memory"),
    STORAGE_PERCENT("storage_percent", Unit.Percent, Aggregation.Average, "Storage used against the provisioned storage size"),
    STORAGE_USED("storage_used", Unit.Bytes, Aggregation.Average, "Bytes used by the data directory (tables, indexes, WAL)"),
    STORAGE_FREE("storage_free", Unit.Bytes, Aggregation.Average, "Provisioned storage minus storage used"),
    TXLOGS_STORAGE_USED("txlogs_storage_used", Unit.Bytes, Aggregation.Average, "Bytes of WAL kept in pg_wal"),
    ACTIVE_CONNECTIONS("active_connections", Unit.Count, Aggregation.Average, "Client connections open (pgflex's own excluded)"),
    CONNECTIONS_SUCCEEDED("connections_succeeded", Unit.Count, Aggregation.Total, "Client connections authorized in the interval"),
    CONNECTIONS_FAILED("connections_failed", Unit.Count, Aggregation.Total, "Client connections refused in the interval (authentication, pg_hba, limits)"),
    MAX_CONNECTIONS("max_connections", Unit.Count, Aggregation.Maximum, "The max_connections setting"),
    IS_DB_ALIVE("is_db_alive", Unit.Count, Aggregation.Minimum, "1 when the instance answered a query, 0 when it did not or is stopped"),
    DISK_IOPS("disk_iops", Unit.Count, Aggregation.Average, "Storage I/O per second (8 KiB pages read and written)"),
    READ_IOPS("read_iops", Unit.Count, Aggregation.Average, "Storage reads per second (8 KiB pages)"),
    WRITE_IOPS("write_iops", Unit.Count, Aggregation.Average, "Storage writes per second (8 KiB pages)"),
    READ_THROUGHPUT("read_throughput", Unit.BytesPerSecond, Aggregation.Average, "Bytes read from storage per second"),
    WRITE_THROUGHPUT("write_throughput", Unit.BytesPerSecond, Aggregation.Average, "Bytes written to storage per second"),
    PHYSICAL_REPLICATION_DELAY_IN_BYTES("physical_replication_delay_in_bytes", Unit.Bytes, Aggregation.Maximum, "WAL bytes the standby has not replayed yet"),
    PHYSICAL_REPLICATION_DELAY_IN_SECONDS("physical_replication_delay_in_seconds", Unit.Seconds, Aggregation.Maximum, "Seconds the standby's replay is behind"),
    XACT_COMMIT("xact_commit", Unit.Count, Aggregation.Total, "Transactions committed in the interval"),
    XACT_ROLLBACK("xact_rollback", Unit.Count, Aggregation.Total, "Transactions rolled back in the interval"),
    TPS("tps", Unit.Count, Aggregation.Average, "Transactions (commits and rollbacks) per second"),
    DEADLOCKS("deadlocks", Unit.Count, Aggregation.Total, "Deadlocks detected in the interval"),
    DATABASE_SIZE_BYTES("database_size_bytes", Unit.Bytes, Aggregation.Average, "Size of all databases"),
    BACKUP_STORAGE_USED("backup_storage_used", Unit.Bytes, Aggregation.Average, "Bytes of backups and archived WAL in the backup repository");

    /** Azure Monitor's unit names. */
    public enum Unit {
        Percent, Bytes, BytesPerSecond, Count, Seconds
    }

    /** Azure Monitor's aggregation types. */
    public enum Aggregation {
        Average, Minimum, Maximum, Total, Count
    }

    private static final Map<String, MetricName> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(MetricName::metricName, Function.identity()));

    private final String metricName;
    private final Unit unit;
    private final Aggregation primaryAggregation;
    private final String description;

    MetricName(String metricName, Unit unit, Aggregation primaryAggregation, String description) {
        this.metricName = metricName;
        this.unit = unit;
        this.primaryAggregation = primaryAggregation;
        this.description = description;
    }

    /** The Azure name, e.g. {@code cpu_percent}. */
    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }

    public Aggregation primaryAggregation() {
        return primaryAggregation;
    }

    public String description() {
        return description;
    }

    public static Optional<MetricName> of(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
