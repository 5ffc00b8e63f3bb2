package io.pgflex.agent.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.InstanceSpec.FirewallRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerConfTest {
    static PgBouncerConf.Input input(Map<String, String> parameters, boolean publicAccess) {
        return new PgBouncerConf.Input("/d/pgbouncer", "/run/s", "*", 6001, 7001, "/d/tls", "/d/log/pgbouncer.log", parameters,
                List.of(new FirewallRange("office", "192.168.1.0", "192.168.1.255")), publicAccess, List.of("127.0.0.1/32"),
                false);
    }

    @Test
    void azureDefaultsTlsRequiredAndAuthQuery() {
        String ini = PgBouncerConf.ini(input(Map.of("pgbouncer.enabled", "on"), true));
        assertTrue(ini.contains("default_pool_size = 50\n"), ini);
        assertTrue(ini.contains("max_client_conn = 5000\n"), ini);
        assertTrue(ini.contains("pool_mode = transaction\n"), ini);
        assertTrue(ini.contains("client_tls_sslmode = require\n"), ini);
        assertTrue(ini.contains("client_tls_protocols = tlsv1.2,tlsv1.3\n"), ini);
        assertTrue(ini.contains("auth_query = " + PgBouncerConf.AUTH_QUERY + "\n"), ini);
        assertTrue(ini.contains("* = host=/run/s port=6001\n"), "to PostgreSQL over its socket: " + ini);
        assertFalse(ini.contains("max_prepared_statements"), "PgBouncer 1.18 does not know it: " + ini);
        assertEquals("\"pgflex_agent\" \"\"\n\"pgflex_pgbouncer\" \"\"\n", PgBouncerConf.users());
    }

    @Test
    void userSettingsReplaceDefaultsAndJdbcStartupParametersAreAlwaysIgnored() {
        String ini = PgBouncerConf.ini(input(Map.of("pgbouncer.pool_mode", "session", "pgbouncer.default_pool_size", "7",
                "pgbouncer.ignore_startup_parameters", "search_path"), true));
        assertTrue(ini.contains("pool_mode = session\n"), ini);
        assertTrue(ini.contains("default_pool_size = 7\n"), ini);
        assertTrue(ini.contains("ignore_startup_parameters = search_path,extra_float_digits\n"), ini);
    }

    @Test
    void hbaAdmitsTlsWithScramFromFirewallRangesAndRoutersOnly() {
        String hba = PgBouncerConf.hba(input(Map.of(), true));
        assertTrue(hba.contains("hostssl   all        all           192.168.1.0/24  scram-sha-256"), hba);
        assertTrue(hba.contains("hostssl   all        all           127.0.0.1/32  scram-sha-256"), hba);
        assertTrue(hba.contains("hostnossl all        all           0.0.0.0/0  reject"), hba);
        assertFalse(PgBouncerConf.hba(input(Map.of(), false)).contains("hostssl"), "public access off admits no one");
        // pgflex's roles are in users.txt without a password: never admitted from the network
        int agentReject = hba.indexOf("host      all        pgflex_agent  0.0.0.0/0  reject");
        int bouncerReject = hba.indexOf("host      all        pgflex_pgbouncer  0.0.0.0/0  reject");
        int firstAllow = hba.indexOf("hostssl");
        assertTrue(agentReject >= 0 && bouncerReject >= 0 && agentReject < firstAllow && bouncerReject < firstAllow, hba);
    }

    @Test
    void valuesThatDoNotFitOrCouldBreakTheFileAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PgBouncerSettings.effective(Map.of("pgbouncer.stats_users", "a\nadmin_users = x")));
        assertThrows(IllegalArgumentException.class, () -> PgBouncerSettings.effective(Map.of("pgbouncer.pool_mode", "sometimes")));
        assertThrows(IllegalArgumentException.class, () -> PgBouncerSettings.effective(Map.of("pgbouncer.default_pool_size", "0")));
        assertTrue(PgBouncerSettings.enabled(Map.of("pgbouncer.enabled", "ON")));
        assertFalse(PgBouncerSettings.enabled(Map.of()));
    }
}
