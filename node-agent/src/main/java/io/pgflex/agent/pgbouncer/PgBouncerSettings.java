package io.pgflex.agent.pgbouncer;

import io.pgflex.contracts.agent.ParameterInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The built-in PgBouncer's server parameters ({@code pgbouncer.*}), with Azure's defaults: pool
 * size 50, 5000 client connections, transaction pooling. All are dynamic (applied by reload).
 */
public final class PgBouncerSettings {
    public static final String PREFIX = "pgbouncer.";
    public static final String ENABLED = "pgbouncer.enabled";
    /** Role names and startup parameter names, comma separated: nothing that could break the ini file. */
    private static final Pattern NAME_LIST = Pattern.compile("^[A-Za-z0-9_.\\-]*(\\s*,\\s*[A-Za-z0-9_.\\-]+)*$");

    /** One parameter: what the configurations API shows and how values are checked. */
    record Definition(String name, String dataType, String defaultValue, String min, String max, List<String> values,
                      String unit, String description) {
    }

    static final List<Definition> DEFINITIONS = List.of(
            new Definition(ENABLED, "bool", "off", null, null, List.of(), null,
                    "Runs the built-in PgBouncer on the server's PgBouncer port (General Purpose and Memory Optimized)."),
            new Definition("pgbouncer.default_pool_size", "integer", "50", "1", "4950", List.of(), null,
                    "Server connections per user/database pair."),
            new Definition("pgbouncer.max_client_conn", "integer", "5000", "1", "50000", List.of(), null,
                    "Client connections PgBouncer accepts."),
            new Definition("pgbouncer.pool_mode", "enum", "transaction", null, null,
                    List.of("session", "transaction", "statement"), null, "When a server connection returns to the pool."),
            new Definition("pgbouncer.min_pool_size", "integer", "0", "0", "4950", List.of(), null,
                    "Server connections kept open per pool even when idle."),
            new Definition("pgbouncer.query_wait_timeout", "integer", "120", "0", "86400", List.of(), "s",
                    "Longest a query waits for a server connection before the client is disconnected."),
            new Definition("pgbouncer.stats_users", "string", "", null, null, List.of(), null,
                    "Comma-separated users allowed to run SHOW commands on PgBouncer's admin database (pgbouncer)."),
            new Definition("pgbouncer.ignore_startup_parameters", "string", "extra_float_digits", null, null, List.of(), null,
                    "Comma-separated startup parameters PgBouncer ignores (JDBC sends extra_float_digits)."),
            new Definition("pgbouncer.server_idle_timeout", "integer", "600", "0", "86400", List.of(), "s",
                    "Idle server connections are closed after this long."),
            new Definition("pgbouncer.max_prepared_statements", "integer", "0", "0", "5000", List.of(), null,
                    "Prepared statements tracked per connection in transaction mode (PgBouncer 1.21 and later;"
                            + " the Debian 12 package is 1.18, where it has no effect)."));

    private PgBouncerSettings() {
    }

    public static boolean isPgBouncer(String parameter) {
        return parameter.startsWith(PREFIX);
    }

    /** The effective value of every pgbouncer.* parameter: the user's where set, else the default. */
    public static Map<String, String> effective(Map<String, String> userParameters) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Definition d : DEFINITIONS) {
            String value = userParameters == null ? null : userParameters.get(d.name());
            out.put(d.name(), value == null ? d.defaultValue() : value.trim());
        }
        for (Map.Entry<String, String> e : out.entrySet()) {
            check(e.getKey(), e.getValue());
        }
        return out;
    }

    public static boolean enabled(Map<String, String> userParameters) {
        return truthy(effective(userParameters).get(ENABLED));
    }

    static boolean truthy(String value) {
        return List.of("on", "true", "1", "yes").contains(value.toLowerCase());
    }

    /** Refuses values that do not fit (the control plane checks first; this guards the ini file). */
    static void check(String name, String value) {
        Definition d = DEFINITIONS.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown PgBouncer parameter " + name));
        boolean ok = switch (d.dataType()) {
            case "bool" -> List.of("on", "off", "true", "false", "1", "0", "yes", "no").contains(value.toLowerCase());
            case "integer" -> value.matches("\\d{1,9}") && Long.parseLong(value) >= Long.parseLong(d.min())
                    && Long.parseLong(value) <= Long.parseLong(d.max());
            case "enum" -> d.values().contains(value);
            default -> NAME_LIST.matcher(value).matches();
        };
        if (!ok) {
            throw new IllegalArgumentException("'" + value + "' is not a valid value for " + name);
        }
    }

    /** The parameters as the configurations API lists them, with their current values. */
    public static List<ParameterInfo> describe(Map<String, String> userParameters) {
        Map<String, String> values = effective(userParameters);
        return DEFINITIONS.stream().map(d -> new ParameterInfo(d.name(), values.get(d.name()), d.unit(), d.defaultValue(),
                d.dataType(), d.min(), d.max(), d.values(), "sighup", d.description())).toList();
    }
}
