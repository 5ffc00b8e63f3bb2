package io.pgflex.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Servers of several PostgreSQL majors side by side on one agent, each TLS-only; old TLS versions are refused. */
class ServersAcrossMajorsIT {
    static final String SUB = "sub-e2e-majors";
    static final String PASSWORD = "Maj0rs-pass!";

    @Test
    void serversOfFourMajorsRunSideBySide() throws Exception {
        Stack.start();
        Map<String, Integer> ports = new ConcurrentHashMap<>();
        List<String> majors = List.of("14", "15", "16", "17");
        majors.parallelStream().forEach(v -> ports.put(v, Stack.readyServer(SUB, "majors-" + v, v, "appadmin", PASSWORD)));

        for (String v : majors) {
            try (Connection c = Stack.connect(ports.get(v), "appadmin", PASSWORD); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num'), ssl FROM pg_stat_ssl"
                        + " WHERE pid = pg_backend_pid()");
                assertTrue(rs.next());
                assertEquals(v, rs.getString(1).substring(0, 2), "server " + v + " runs PostgreSQL " + rs.getString(1));
                assertTrue(rs.getBoolean(2), "TLS");
                s.execute("CREATE TABLE t (v int)");
            }
        }
        assertEquals(4, ports.values().stream().distinct().count(), "each server has its own port");

        // a client that offers at most TLS 1.1 is refused by every server
        for (String v : List.of("15", "16")) {
            Process psql = new ProcessBuilder("psql", "-X", "-tA", "host=127.0.0.1 port=" + ports.get(v) + " dbname=postgres"
                    + " user=appadmin sslmode=require ssl_max_protocol_version=TLSv1.1", "-c", "SELECT 1")
                    .redirectErrorStream(true).start();
            psql.getOutputStream().close();
            String out = new String(psql.getInputStream().readAllBytes());
            assertNotEquals(0, psql.waitFor(), "a TLS 1.1 client must be refused: " + out);
            assertTrue(out.toLowerCase().contains("protocol") || out.toLowerCase().contains("ssl"), out);
        }

        for (String v : majors) {
            Stack.expectSucceeded(SUB, Stack.api(SUB).delete(Stack.servers(SUB, "rg-e2e") + "/majors-" + v));
        }
    }

    /** The catalog SQL differs by major (daticulocale on 15/16, datlocale from 17): Azure's default collation on each. */
    @Test
    void azuresDefaultCollationIsIcuOnFifteenAndSeventeen() throws Exception {
        Stack.start();
        Map<String, Integer> ports = new ConcurrentHashMap<>();
        List<String> majors = List.of("15", "17");
        majors.parallelStream().forEach(v -> ports.put(v, Stack.readyServer(SUB, "collation-" + v, v, "appadmin", PASSWORD)));
        for (String v : majors) {
            String base = Stack.servers(SUB, "rg-e2e") + "/collation-" + v;
            Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\": {\"charset\": \"UTF8\", \"collation\": \"en_US.utf8\"}}")
                    .put(base + "/databases/intl"));
            assertEquals("en_US.utf8", Stack.api(SUB).get(base + "/databases/intl").then().statusCode(200).extract()
                    .path("properties.collation"), "PostgreSQL " + v);
            try (Connection c = Stack.connect(ports.get(v), "appadmin", PASSWORD); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT datlocprovider FROM pg_database WHERE datname = 'intl'")) {
                assertTrue(rs.next());
                assertEquals("i", rs.getString(1), "PostgreSQL " + v);
            }
            Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
        }
    }
}
