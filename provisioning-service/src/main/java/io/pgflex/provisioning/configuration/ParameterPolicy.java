package io.pgflex.provisioning.configuration;

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

    public static boolean modifiable(String name) {
        return USER_MODIFIABLE.contains(name);
    }

    /** Throws 400 with the reason when {@code value} cannot be set on {@code info}. */
    public static void check(ParameterInfo info, String value) {
        String target = "properties.value";
        if (!modifiable(info.name())) {
            throw ArmException.badRequest("ParameterIsReadOnly", "The server parameter '" + info.name()
                    + "' is managed by pgflex and cannot be changed.", "name");
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
                if (m.group(2) == null && info.minValue() != null && info.maxValue() != null) {
                    BigDecimal v = new BigDecimal(m.group(1));
                    if (v.compareTo(new BigDecimal(info.minValue())) < 0 || v.compareTo(new BigDecimal(info.maxValue())) > 0) {
                        throw invalid(info, value, "between " + info.minValue() + " and " + info.maxValue());
                    }
                }
            }
            default -> {
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

    private static ArmException invalid(ParameterInfo info, String value, String expected) {
        return ArmException.badRequest("InvalidParameterValue", "'" + value + "' is not a valid value for '" + info.name()
                + "': expected " + expected + ".", "properties.value");
    }
}
