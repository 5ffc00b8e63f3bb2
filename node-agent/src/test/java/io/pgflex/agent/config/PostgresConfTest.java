package io.pgflex.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pgflex.contracts.agent.Sku;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresConfTest {

    static PostgresConf.Input input(Sku sku, Map<String, String> user) {
        return new PostgresConf.Input(16, sku, 32, 6001, "*", "/x/run", "/x/tls", "/x/conf/pg_hba.conf", "/x/log", user, Map.of());
    }

    @Test
    void sizesMemoryFromTheSku() {
        var d2 = PostgresConf.render(input(Sku.D2ds_v5, Map.of())).settings();
        assertEquals("2048MB", d2.get("shared_buffers"));
        assertEquals("6144MB", d2.get("effective_cache_size"));
        assertEquals("859", d2.get("max_connections"));
        assertEquals("50", PostgresConf.render(input(Sku.B1ms, Map.of())).settings().get("max_connections"));
        assertEquals("5000", PostgresConf.render(input(Sku.E96ds_v5, Map.of())).settings().get("max_connections"));
    }

    @Test
    void alwaysPreloadsStatementStatisticsBesideTheUsersLibraries() {
        assertEquals("pg_stat_statements", PostgresConf.render(input(Sku.B1ms, Map.of())).settings().get("shared_preload_libraries"));
        assertEquals("pg_cron,pg_stat_statements", PostgresConf.render(input(Sku.B1ms,
                Map.of("shared_preload_libraries", "pg_cron"))).settings().get("shared_preload_libraries"));
        assertEquals("pg_stat_statements, pg_cron", PostgresConf.render(input(Sku.B1ms,
                Map.of("shared_preload_libraries", "pg_stat_statements, pg_cron"))).settings().get("shared_preload_libraries"));
    }

    @Test
    void writesAStructuredLogTheAgentCanRead() {
        assertEquals("stderr,jsonlog", PostgresConf.render(input(Sku.B1ms, Map.of())).settings().get("log_destination"));
        var pg14 = new PostgresConf.Input(14, Sku.B1ms, 32, 6001, "*", "/x/run", "/x/tls", "/x/conf/pg_hba.conf", "/x/log", Map.of(), Map.of());
        assertEquals("stderr,csvlog", PostgresConf.render(pg14).settings().get("log_destination"));
    }

    @Test
    void userParametersOverrideDefaultsButNotFixedOnes() {
        var s = PostgresConf.render(input(Sku.D2ds_v5, Map.of("work_mem", "64MB", "ssl", "off", "port", "1"))).settings();
        assertEquals("64MB", s.get("work_mem"));
        assertEquals("on", s.get("ssl"));
        assertEquals("6001", s.get("port"));
        assertEquals("TLSv1.2", s.get("ssl_min_protocol_version"));
    }

    @Test
    void limitsEachSessionsTemporaryFilesToATenthOfTheStorageWhatEverTheUserSets() {
        var big = new PostgresConf.Input(16, Sku.D2ds_v5, 1024, 6001, "*", "/r", "/t", "/h", "/l",
                Map.of("temp_file_limit", "-1"), Map.of());
        assertEquals(Long.toString(1024L * 1024 * 1024 / 10) + "kB", PostgresConf.render(big).settings().get("temp_file_limit"),
                "a tenth of 1 TiB, and the user's -1 (no limit) does not win");
        assertEquals("3355443kB", PostgresConf.render(input(Sku.B1ms, Map.of())).settings().get("temp_file_limit"), "32 GiB");
        // 8 GiB: a tenth would be 0.8 GiB, but never under 1 GiB
        var small = new PostgresConf.Input(16, Sku.B1ms, 8, 6001, "*", "/r", "/t", "/h", "/l", Map.of(), Map.of());
        assertEquals("1048576kB", PostgresConf.render(small).settings().get("temp_file_limit"));
        // 32 TiB, the largest size: a tenth would pass PostgreSQL's maximum, which would refuse to start
        var largest = new PostgresConf.Input(16, Sku.D2ds_v5, 32768, 6001, "*", "/r", "/t", "/h", "/l", Map.of(), Map.of());
        assertEquals(Integer.MAX_VALUE + "kB", PostgresConf.render(largest).settings().get("temp_file_limit"));
    }

    @Test
    void keepsTheSharedMemoryTypeInitdbChoseForThisHost() {
        String initdbConf = "#dynamic_shared_memory_type = posix\ndynamic_shared_memory_type = sysv\t\t# the default\n";
        assertEquals(Map.of("dynamic_shared_memory_type", "sysv"), PostgresConf.hostParameters(initdbConf));
        var s = PostgresConf.render(new PostgresConf.Input(16, Sku.B1ms, 32, 6001, "*", "/r", "/t", "/h", "/l", Map.of(),
                PostgresConf.hostParameters(initdbConf))).settings();
        assertEquals("sysv", s.get("dynamic_shared_memory_type"));
    }

    @Test
    void hashFollowsContent() {
        var a = PostgresConf.render(input(Sku.D2ds_v5, Map.of()));
        assertEquals(a.hash(), PostgresConf.render(input(Sku.D2ds_v5, Map.of())).hash());
        assertNotEquals(a.hash(), PostgresConf.render(input(Sku.D4ds_v5, Map.of())).hash());
    }
}
