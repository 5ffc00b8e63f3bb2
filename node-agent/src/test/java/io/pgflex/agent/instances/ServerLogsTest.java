package io.pgflex.agent.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.LogFileInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogsTest {
    @TempDir
    Path dir;

    @Test
    void listsTheRegularLogFilesNewestFirst() throws Exception {
        Path log = Files.createDirectory(dir.resolve("log"));
        Files.writeString(log.resolve("postgresql-Mon.log"), "monday\n");
        Files.writeString(log.resolve("postgresql-Tue.log"), "tuesday, longer\n");
        Files.setLastModifiedTime(log.resolve("postgresql-Mon.log"), FileTime.from(Instant.parse("2026-12-07T10:00:00Z")));
        Files.setLastModifiedTime(log.resolve("postgresql-Tue.log"), FileTime.from(Instant.parse("2026-12-08T10:00:00Z")));
        List<LogFileInfo> files = ServerLogs.list(log);
        assertEquals(List.of("postgresql-Tue.log", "postgresql-Mon.log"), files.stream().map(LogFileInfo::name).toList());
        assertEquals(16, files.get(0).sizeBytes());
    }

    @Test
    void leavesOutWhatIsNotALogFileOfTheDirectory() throws Exception {
        Path log = Files.createDirectory(dir.resolve("log"));
        Files.writeString(dir.resolve("secret.log"), "not in the log directory\n");
        Files.createSymbolicLink(log.resolve("link.log"), dir.resolve("secret.log"));
        Files.createDirectory(log.resolve("sub.log"));
        Files.writeString(log.resolve("postmaster.opts"), "x");
        assertEquals(List.of(), ServerLogs.list(log));
    }

    @Test
    void opensOnlyAListedFileByItsName() throws Exception {
        Path log = Files.createDirectory(dir.resolve("log"));
        Files.writeString(log.resolve("startup.log"), "ready\n");
        Files.writeString(dir.resolve("secret.log"), "not in the log directory\n");
        try (InputStream in = ServerLogs.open(log, "startup.log").orElseThrow()) {
            assertEquals("ready\n", new String(in.readAllBytes()));
        }
        assertTrue(ServerLogs.open(log, "../secret.log").isEmpty());
        assertTrue(ServerLogs.open(log, "missing.log").isEmpty());
    }

    @Test
    void aMissingDirectoryHasNoFiles() {
        assertEquals(List.of(), ServerLogs.list(dir.resolve("not-yet")));
    }
}
