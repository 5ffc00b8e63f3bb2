package io.pgflex.agent.lifecycle;

import io.pgflex.agent.config.PostgresConf;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a running server must do to take in a configuration just written: nothing, a reload, or a restart — decided
 * from the settings it last took in ({@code settings.applied}) and the ones rendered now, with the reason.
 */
public record ConfigChange(Action action, String reason) {
    public enum Action { NONE, RELOAD, RESTART }

    /** The key under which pg_hba.conf's hash is kept beside the settings of postgresql.conf. */
    public static final String HBA = "pgflex.hba";

    public static ConfigChange between(Map<String, String> applied, Map<String, String> rendered) {
        if (!applied.isEmpty()) {
            TreeSet<String> restart = new TreeSet<>();
            for (String k : PostgresConf.RESTART_PARAMETERS) {
                if (!Objects.equals(applied.get(k), rendered.get(k))) {
                    restart.add(k);
                }
            }
            if (!restart.isEmpty()) {
                return new ConfigChange(Action.RESTART, String.join(", ", restart) + " changed: takes effect only on a restart");
            }
        }
        if (applied.equals(rendered)) {
            return new ConfigChange(Action.NONE, "the server runs with these settings already");
        }
        if (applied.isEmpty()) {
            return new ConfigChange(Action.RELOAD, "nothing recorded as applied: reload to be sure");
        }
        TreeSet<String> changed = new TreeSet<>();
        for (String k : rendered.keySet()) {
            if (!Objects.equals(applied.get(k), rendered.get(k))) changed.add(k.equals(HBA) ? "pg_hba.conf" : k);
        }
        for (String k : applied.keySet()) {
            if (!rendered.containsKey(k)) changed.add(k.equals(HBA) ? "pg_hba.conf" : k);
        }
        return new ConfigChange(Action.RELOAD, String.join(", ", changed) + " changed: a reload takes it in");
    }
}
