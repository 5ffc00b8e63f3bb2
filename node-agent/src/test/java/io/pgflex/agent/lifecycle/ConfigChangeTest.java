package io.pgflex.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.agent.lifecycle.ConfigChange.Action;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a running server must do to take in the configuration just written, and why: one row per situation. */
class ConfigChangeTest {
    private static final Map<String, String> APPLIED = Map.of("shared_buffers", "128MB", "work_mem", "4MB",
            "max_connections", "100", ConfigChange.HBA, "hash-1");

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("nothing changed", APPLIED, APPLIED, Action.NONE,
                        "the server runs with these settings already"),
                Arguments.of("never started: nothing applied yet", Map.of(), APPLIED, Action.RELOAD,
                        "nothing recorded as applied: reload to be sure"),
                Arguments.of("a reloadable setting changed", APPLIED, with("work_mem", "8MB"), Action.RELOAD,
                        "work_mem changed: a reload takes it in"),
                Arguments.of("pg_hba.conf changed", APPLIED, with(ConfigChange.HBA, "hash-2"), Action.RELOAD,
                        "pg_hba.conf changed: a reload takes it in"),
                Arguments.of("a setting was removed", APPLIED, without("work_mem"), Action.RELOAD,
                        "work_mem changed: a reload takes it in"),
                Arguments.of("a restart-only setting changed", APPLIED, with("shared_buffers", "256MB"), Action.RESTART,
                        "shared_buffers changed: takes effect only on a restart"),
                Arguments.of("restart-only and reloadable changed together: the restart wins, naming the restart ones",
                        APPLIED, with(with("max_connections", "200"), "work_mem", "8MB"), Action.RESTART,
                        "max_connections changed: takes effect only on a restart"),
                Arguments.of("a restart-only setting appears for the first time", APPLIED, with("wal_level", "logical"),
                        Action.RESTART, "wal_level changed: takes effect only on a restart"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesWithItsReason(String situation, Map<String, String> applied, Map<String, String> rendered,
                              Action action, String reason) {
        ConfigChange change = ConfigChange.between(applied, rendered);
        assertEquals(action, change.action());
        assertEquals(reason, change.reason());
    }

    private static Map<String, String> with(String key, String value) {
        return with(APPLIED, key, value);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    private static Map<String, String> without(String key) {
        Map<String, String> m = new HashMap<>(APPLIED);
        m.remove(key);
        return m;
    }
}
