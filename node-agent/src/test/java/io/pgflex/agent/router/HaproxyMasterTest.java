package io.pgflex.agent.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real HAProxy in master-worker mode whose pid file went stale, as reloads and half-done starts leave it. */
class HaproxyMasterTest {
    @TempDir
    Path dir;
    Path config;

    @AfterEach
    void stopHaproxy() {
        if (config != null) {
            HaproxyMaster.all(config).forEach(ProcessHandle::destroyForcibly);
        }
    }

    long startHaproxy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")),
                "HAProxy (Debian package haproxy) is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    master-worker
                    pidfile %s
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                listen probe
                    bind 127.0.0.1:%d
                    server none 127.0.0.1:9
                """.formatted(dir.resolve("haproxy.pid"), port));
        Process p = new ProcessBuilder("/usr/sbin/haproxy", "-D", "-f", config.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "haproxy started");
        Awaitility.await("master and worker").atMost(Duration.ofSeconds(10)).until(() -> HaproxyMaster.all(config).size() >= 2);
        return Long.parseLong(Files.readString(dir.resolve("haproxy.pid")).trim());
    }

    static long deadPid() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        return gone.pid();
    }

    @Test
    void findsTheMasterWhenThePidFileNamesAProcessThatIsGone() throws Exception {
        long master = startHaproxy();
        Files.writeString(dir.resolve("haproxy.pid"), deadPid() + "\n");

        assertEquals(Optional.of(master), HaproxyMaster.find(config, dir.resolve("haproxy.pid")));
        assertEquals(Long.toString(master), Files.readString(dir.resolve("haproxy.pid")).trim(), "the pid file is corrected");
    }

    @Test
    void findsTheMasterWhenThePidFileNamesAWorker() throws Exception {
        long master = startHaproxy();
        long worker = HaproxyMaster.all(config).stream().mapToLong(ProcessHandle::pid).filter(pid -> pid != master).findFirst()
                .orElseThrow();
        Files.writeString(dir.resolve("haproxy.pid"), worker + "\n");

        assertEquals(Optional.of(master), HaproxyMaster.find(config, dir.resolve("haproxy.pid")));
    }

    @Test
    void findsNoneWhenNoHaproxyRunsTheConfiguration() throws Exception {
        startHaproxy();
        Path other = dir.resolve("other.cfg");
        Files.writeString(other, "");
        assertFalse(HaproxyMaster.find(other, dir.resolve("other.pid")).isPresent());
        assertTrue(HaproxyMaster.all(other).isEmpty());
    }
}
