package io.pgflex.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local stack's ports and layout: each as remembered in {@code $PGFLEX_HOME/ports.env} (what the stack was
 * started on: {@code ./pgflex status} finds it, a second {@code up} starts it there again), else from the environment
 * (a first start), else the default. Pure.
 */
public final class StackPorts {
    /** Every setting with its default, in the order ports.env lists them. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("PGFLEX_GATEWAY_PORT", "8080");
        d.put("PGFLEX_PROVISIONING_PORT", "8081");
        d.put("PGFLEX_HA_PORT", "8082");
        d.put("PGFLEX_BACKUP_PORT", "8083");
        d.put("PGFLEX_MAINTENANCE_PORT", "8084");
        d.put("PGFLEX_MONITORING_PORT", "8085");
        d.put("PGFLEX_AGENT_PORT", "8090");
        d.put("PGFLEX_AGENT_CHECK_PORT", "8190");
        d.put("PGFLEX_AGENT2_PORT", "8091");
        d.put("PGFLEX_AGENT2_CHECK_PORT", "8191");
        d.put("PGFLEX_ENDPOINT_PORT_START", "15000");
        d.put("PGFLEX_KAFKA_PORT", "9092");
        d.put("PGFLEX_KAFKA_CONTROLLER_PORT", "9093");
        d.put("PGFLEX_CONTROLDB_PORT", "5440");
        d.put("PGFLEX_ROUTER_AGENT_PORT", "8092");
        d.put("PGFLEX_ROUTER_CHECK_PORT", "8192");
        // loopback (every component on 127.0.0.1) or hosts (agents in network namespaces: ./pgflex up --hosts)
        d.put("PGFLEX_LAYOUT", "loopback");
        d.put("PGFLEX_HOSTS_NET", "10.213.250");
        return java.util.Collections.unmodifiableMap(d);
    }

    private final Map<String, String> values;

    private StackPorts(Map<String, String> values) {
        this.values = values;
    }

    /** Remembered over environment over default; refuses a port that is no port and a layout it does not know. */
    public static StackPorts resolve(Map<String, String> env, Map<String, String> remembered) {
        Map<String, String> v = new LinkedHashMap<>();
        DEFAULTS.forEach((k, d) -> {
            String value = present(remembered.get(k)) ? remembered.get(k) : present(env.get(k)) ? env.get(k) : d;
            if (k.endsWith("_PORT") || k.endsWith("_PORT_START")) {
                int port;
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(k + "=" + value + " is not a port");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(k + "=" + value + " is not a port");
                }
            }
            v.put(k, value);
        });
        if (!v.get("PGFLEX_LAYOUT").equals("loopback") && !v.get("PGFLEX_LAYOUT").equals("hosts")) {
            throw new IllegalArgumentException("PGFLEX_LAYOUT is loopback or hosts, not " + v.get("PGFLEX_LAYOUT"));
        }
        if (!v.get("PGFLEX_HOSTS_NET").matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("PGFLEX_HOSTS_NET is the first three octets of a /24, not " + v.get("PGFLEX_HOSTS_NET"));
        }
        return new StackPorts(v);
    }

    /** The ports of the stack under {@code home}: its ports.env (if it was started before) over {@code env}. */
    public static StackPorts forHome(java.nio.file.Path home, Map<String, String> env) {
        java.nio.file.Path file = home.resolve("ports.env");
        Map<String, String> remembered = java.nio.file.Files.isRegularFile(file) ? parse(StackSecrets.read(file)) : Map.of();
        return resolve(env, remembered);
    }

    /** The same with the layout a start chose ({@code ./pgflex up --hosts} or {@code --loopback}). */
    public StackPorts withLayout(String layout) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put("PGFLEX_LAYOUT", layout);
        return resolve(Map.of(), v);
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    public int port(String name) {
        String v = values.get("PGFLEX_" + name);
        if (v == null) {
            throw new IllegalArgumentException("no port PGFLEX_" + name);
        }
        return Integer.parseInt(v);
    }

    public boolean hostsLayout() {
        return values.get("PGFLEX_LAYOUT").equals("hosts");
    }

    /** The hosts' network, e.g. 10.213.250 (agents .11 and .12, this side .1). */
    public String hostsNet() {
        return values.get("PGFLEX_HOSTS_NET");
    }

    /** ports.env: {@code NAME=value} lines, which bash sources. */
    public String envFile() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    /** Reads {@code NAME=value} lines (comments and blank lines skipped). */
    public static Map<String, String> parse(String envFile) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : envFile.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
                m.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return m;
    }
}
