package io.pgflex.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A component's settings in order, with the comments that say why: written as a properties file
 * (configuration, secrets) or handed over as environment variables (how a process is launched).
 * A key set twice keeps its first place and takes the later value.
 */
public final class Settings {
    private record Line(String comment, String key, String value) {
    }

    private final List<Line> lines = new ArrayList<>();

    public Settings comment(String text) {
        lines.add(new Line(text, null, null));
        return this;
    }

    public Settings put(String key, Object value) {
        for (int i = 0; i < lines.size(); i++) {
            if (key.equals(lines.get(i).key())) {
                lines.set(i, new Line(null, key, String.valueOf(value)));
                return this;
            }
        }
        lines.add(new Line(null, key, String.valueOf(value)));
        return this;
    }

    public Settings putAll(Settings other) {
        other.lines.forEach(l -> {
            if (l.key() == null) {
                comment(l.comment());
            } else {
                put(l.key(), l.value());
            }
        });
        return this;
    }

    /** The settings by property name, in order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        lines.stream().filter(l -> l.key() != null).forEach(l -> map.put(l.key(), l.value()));
        return Collections.unmodifiableMap(map);
    }

    /** The same as environment variables: {@code pgflex.agent.port-range-start} is {@code PGFLEX_AGENT_PORT_RANGE_START}. */
    public Map<String, String> asEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        asMap().forEach((k, v) -> env.put(envName(k), v));
        return Collections.unmodifiableMap(env);
    }

    /** The environment variable MicroProfile Config reads a property from. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** A properties file: comments as {@code #} lines; values escaped where the format needs it. */
    public String properties() {
        StringBuilder out = new StringBuilder();
        for (Line l : lines) {
            if (l.key() == null) {
                out.append("# ").append(l.comment()).append('\n');
            } else {
                out.append(l.key()).append('=').append(escape(l.value())).append('\n');
            }
        }
        return out.toString();
    }

    /** One {@code NAME=value} line per variable (what {@code ./pgflex} hands to {@code env}). */
    public String envLines() {
        StringBuilder out = new StringBuilder();
        asEnv().forEach((k, v) -> {
            if (v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException(k + " holds a line break: not an environment variable");
            }
            out.append(k).append('=').append(v).append('\n');
        });
        return out.toString();
    }

    private static String escape(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
