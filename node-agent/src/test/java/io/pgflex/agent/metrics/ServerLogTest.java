package io.pgflex.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {
    static final Set<String> INTERNAL = Set.of("pgflex_agent");

    static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void readsSlowQueriesAndConnectionOutcomesAppendedToTheJsonLog(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql-Tue.json");
        append(file, "{\"timestamp\":\"2026-11-24 10:00:00.000 UTC\",\"user\":\"app\",\"error_severity\":\"LOG\",\"message\":\"duration: 9999.0 ms  statement: select old\"}\n");
        ServerLog log = new ServerLog(dir, true, INTERNAL, new ObjectMapper());
        assertEquals(0, log.read().slowQueries().size(), "what was there before the agent started is not reported");

        append(file, """
                {"timestamp":"2026-11-24 10:00:01.250 UTC","user":"app","dbname":"shop","pid":42,"error_severity":"LOG","message":"duration: 512.345 ms  execute S_1: select pg_sleep(0.5)"}
                {"timestamp":"2026-11-24 10:00:02.000 UTC","user":"app","dbname":"shop","pid":43,"error_severity":"LOG","message":"connection authorized: user=app database=shop SSL enabled"}
                {"timestamp":"2026-11-24 10:00:02.100 UTC","user":"pgflex_agent","dbname":"postgres","pid":44,"error_severity":"LOG","message":"connection authorized: user=pgflex_agent database=postgres"}
                {"timestamp":"2026-11-24 10:00:03.000 UTC","user":"app","dbname":"shop","pid":45,"error_severity":"FATAL","state_code":"28P01","message":"password authentication failed for user \\"app\\""}
                {"timestamp":"2026-11-24 10:00:04.000 UTC","user":"app","dbname":"shop","pid":46,"error_severity":"LOG","message":"dura""");
        ServerLog.Summary s = log.read();
        assertEquals(1, s.slowQueries().size());
        assertEquals("select pg_sleep(0.5)", s.slowQueries().get(0).query());
        assertEquals(512.345, s.slowQueries().get(0).durationMillis());
        assertEquals("shop", s.slowQueries().get(0).databaseName());
        assertEquals(Instant.parse("2026-11-24T10:00:01.250Z"), s.slowQueries().get(0).loggedAt());
        assertEquals(1, s.connectionsSucceeded(), "the agent's own connections are not the user's");
        assertEquals(1, s.connectionsFailed());

        append(file, "tion: 300.0 ms  statement: select 1\"}\n");
        List<?> rest = log.read().slowQueries();
        assertEquals(1, rest.size(), "a line written in two parts is read once, whole");
    }

    @Test
    void readsCsvLogsOfOlderMajorsIncludingMultiLineMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postgresql-Tue.csv");
        Files.writeString(file, "");
        ServerLog log = new ServerLog(dir, false, INTERNAL, new ObjectMapper());
        log.read();
        append(file, """
                2026-11-24 10:00:01.000 UTC,"app","shop",42,"127.0.0.1:5000",abc.1,1,"SELECT",2026-11-24 10:00:00 UTC,3/4,0,LOG,00000,"duration: 250.000 ms  statement: select 1,
                  2 from \"\"t\"\"\",,,,,,,,,"","client backend",,0
                2026-11-24 10:00:02.000 UTC,"app","shop",43,"127.0.0.1:5001",abc.2,1,"authentication",2026-11-24 10:00:02 UTC,,0,FATAL,28000,"no pg_hba.conf entry",,,,,,,,,"","client backend",,0
                """);
        ServerLog.Summary s = log.read();
        assertEquals(1, s.slowQueries().size());
        assertEquals("select 1,\n  2 from \"t\"", s.slowQueries().get(0).query());
        assertEquals(1, s.connectionsFailed());
    }
}
