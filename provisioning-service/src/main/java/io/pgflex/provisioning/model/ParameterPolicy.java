package io.pgflex.provisioning.model;

import io.pgflex.contracts.agent.ParameterInfo;
import io.pgflex.support.errors.ArmException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which server parameters users may set, and whether a value fits the parameter (type, allowed
 * values, range as the running PostgreSQL reports them). Everything else (TLS, archiving,
 * replication, ports, files) is pgflex's and read-only.
 */
public final class ParameterPolicy {
    public static final Set<String> USER_MODIFIABLE = Set.of(
            "work_mem", "maintenance_work_mem", "effective_cache_size", "shared_buffers", "max_connections", "temp_buffers",
            "effective_io_concurrency", "random_page_cost", "seq_page_cost", "default_statistics_target", "jit",
            "max_parallel_workers", "max_parallel_workers_per_gather", "max_parallel_maintenance_workers",
            "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
            "deadlock_timeout", "log_min_duration_statement", "log_statement", "log_connections", "log_disconnections",
            "log_lock_waits", "log_temp_files", "log_autovacuum_min_duration", "log_checkpoints", "track_io_timing",
            "track_functions", "autovacuum", "autovacuum_naptime", "autovacuum_vacuum_scale_factor",
            "autovacuum_analyze_scale_factor", "autovacuum_vacuum_cost_limit", "autovacuum_max_workers",
            "checkpoint_timeout", "checkpoint_completion_target", "max_wal_size", "min_wal_size", "wal_compression",
            "timezone", "datestyle", "search_path", "default_transaction_isolation", "client_min_messages",
            "shared_preload_libraries", "pg_stat_statements.track", "pg_stat_statements.max", "max_locks_per_transaction",
            "max_prepared_transactions", "synchronous_commit", "hash_mem_multiplier", "enable_partitionwise_join",
            "enable_partitionwise_aggregate", "default_toast_compression", "lc_messages", "lc_monetary", "lc_numeric",
            "lc_time", "bytea_output", "xmloption", "vacuum_cost_limit", "vacuum_cost_delay", "huge_pages");
    public static final Set<String> PRELOAD_ALLOWED = Set.of("pg_stat_statements", "auto_explain", "pg_prewarm");
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("^(-?\\d+(?:\\.\\d+)?)\\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)?$");

    private ParameterPolicy() {
    }

    /** The built-in PgBouncer's parameters (all user-modifiable, applied without a restart). */
    public static final Set<String> PGBOUNCER = Set.of("pgbouncer.enabled", "pgbouncer.default_pool_size",
            "pgbouncer.max_client_conn", "pgbouncer.pool_mode", "pgbouncer.min_pool_size", "pgbouncer.query_wait_timeout",
            "pgbouncer.stats_users", "pgbouncer.ignore_startup_parameters", "pgbouncer.server_idle_timeout",
            "pgbouncer.max_prepared_statements");
    /** Role and parameter names, comma separated (they go into PgBouncer's configuration file). */
    private static final Pattern NAME_LIST = Pattern.compile("^[A-Za-z0-9_.\\-]*(\\s*,\\s*[A-Za-z0-9_.\\-]+)*$");

    public static boolean modifiable(String name) {
        return USER_MODIFIABLE.contains(name) || PGBOUNCER.contains(name);
    }

    /** Whether {@code value} turns a boolean parameter on. */
    public static boolean on(String value) {
        return value != null && Set.of("on", "true", "1", "yes").contains(value.trim().toLowerCase());
    }

    /** Throws 400 with the reason when {@code value} cannot be set on {@code info}. */
    public static void check(ParameterInfo info, String value) {
        String target = "properties.value";
        if (!modifiable(info.name())) {
            throw ArmException.badRequest("ParameterIsReadOnly", "The server parameter '" + info.name()
                    + "' is managed by pgflex and cannot be changed.", "name");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // a line break would end the setting in postgresql.conf and start one of the caller's choosing
            throw ArmException.badRequest("InvalidParameterValue", "The value of '" + info.name()
                    + "' must not contain control characters (line breaks, tabs, NUL).", target);
        }
        switch (info.dataType()) {
            case "bool" -> {
                if (!Set.of("on", "off", "true", "false", "1", "0", "yes", "no").contains(value.toLowerCase())) {
                    throw invalid(info, value, "on or off");
                }
            }
            case "enum" -> {
                if (info.allowedValues().stream().noneMatch(v -> v.equalsIgnoreCase(value))) {
                    throw invalid(info, value, "one of " + info.allowedValues());
                }
            }
            case "integer", "real" -> {
                Matcher m = NUMBER_WITH_UNIT.matcher(value.trim());
                if (!m.matches() || ("integer".equals(info.dataType()) && m.group(1).contains(".") && m.group(2) == null)) {
                    throw invalid(info, value, "a number" + (info.unit() == null ? "" : " (unit " + info.unit() + ")"));
                }
                if (info.minValue() != null && info.maxValue() != null) {
                    BigDecimal v = inBaseUnit(info, new BigDecimal(m.group(1)), m.group(2));
                    if (v == null) {
                        throw invalid(info, value, "a value in units of " + info.unit());
                    }
                    if (v.compareTo(new BigDecimal(info.minValue())) < 0 || v.compareTo(new BigDecimal(info.maxValue())) > 0) {
                        String unit = info.unit() == null ? "" : " (unit " + info.unit() + ")";
                        throw invalid(info, value, "between " + info.minValue() + " and " + info.maxValue() + unit);
                    }
                }
            }
            default -> {
                if (PGBOUNCER.contains(info.name()) && !NAME_LIST.matcher(value.trim()).matches()) {
                    throw invalid(info, value, "comma-separated names (letters, digits, _ . -)");
                }
                if ("shared_preload_libraries".equals(info.name()) && !value.isBlank()) {
                    Arrays.stream(value.split(",")).map(String::trim).filter(l -> !PRELOAD_ALLOWED.contains(l)).findFirst()
                            .ifPresent(l -> {
                                throw ArmException.badRequest("InvalidParameterValue", "Library '" + l + "' cannot be preloaded;"
                                        + " allowed: " + PRELOAD_ALLOWED + ".", target);
                            });
                }
            }
        }
    }

    private static final java.util.Map<String, Long> MEMORY = java.util.Map.of("B", 1L, "kB", 1024L, "MB", 1024L * 1024,
            "GB", 1024L * 1024 * 1024, "TB", 1024L * 1024 * 1024 * 1024);
    private static final java.util.Map<String, Long> TIME = java.util.Map.of("us", 1L, "ms", 1000L, "s", 1_000_000L,
            "min", 60_000_000L, "h", 3_600_000_000L, "d", 86_400_000_000L);

    /**
     * {@code number unit} expressed in the parameter's own unit (pg_settings.unit: "8kB", "kB", "MB",
     * "ms", "s", "min"…), or null when the units do not fit (memory given for a time, say).
     */
    static BigDecimal inBaseUnit(ParameterInfo info, BigDecimal number, String unit) {
        if (unit == null || info.unit() == null) {
            return unit == null ? number : null;
        }
        Matcher base = Pattern.compile("^(\\d*)(\\w+)$").matcher(info.unit());
        if (!base.matches()) {
            return null;
        }
        BigDecimal factor = base.group(1).isEmpty() ? BigDecimal.ONE : new BigDecimal(base.group(1));
        java.util.Map<String, Long> scale = MEMORY.containsKey(base.group(2)) ? MEMORY : TIME.containsKey(base.group(2)) ? TIME : null;
        if (scale == null || !scale.containsKey(unit)) {
            return null;
        }
        BigDecimal baseSize = factor.multiply(BigDecimal.valueOf(scale.get(base.group(2))));
        return number.multiply(BigDecimal.valueOf(scale.get(unit))).divide(baseSize, 0, java.math.RoundingMode.DOWN);
    }

    private static ArmException invalid(ParameterInfo info, String value, String expected) {
        return ArmException.badRequest("InvalidParameterValue", "'" + value + "' is not a valid value for '" + info.name()
                + "': expected " + expected + ".", "properties.value");
    }
}
