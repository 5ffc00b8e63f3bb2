package io.pgflex.agent.router;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.os.OsCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The router's HAProxy process (master-worker): a configuration is checked by HAProxy before it is installed, then
 * HAProxy is started with it or reloaded gracefully (a new worker takes the listeners, the old one keeps its
 * established connections until they end); the admin socket answers commands.
 */
final class HaproxyProcess {
    private static final Logger LOG = Logger.getLogger(HaproxyProcess.class);

    private final AgentConfig config;
    private final OsCommands os;
    private final Path dir;
    private final Path socketDir;

    HaproxyProcess(AgentConfig config, OsCommands os, Path dir, Path socketDir) {
        this.config = config;
        this.os = os;
        this.dir = dir;
        this.socketDir = socketDir;
    }

    /** The master's pid while HAProxy runs with this directory's configuration. */
    Long masterPid() {
        return HaproxyMaster.find(dir.resolve("haproxy.cfg"), dir.resolve("haproxy.pid")).orElse(null);
    }

    /** The configuration installed last ("" before the first). */
    String installedConfig() {
        try {
            Path file = dir.resolve("haproxy.cfg");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Checks {@code conf} with HAProxy, installs it, and starts HAProxy or reloads it; returns when a worker serves it. */
    void install(String conf, int endpoints) {
        Path file = dir.resolve("haproxy.cfg");
        Long master = masterPid();
        try {
            Path next = dir.resolve("haproxy.cfg.next");
            Files.writeString(next, conf);
            if (!Files.exists(dir.resolve("server-state"))) {
                Files.writeString(dir.resolve("server-state"), "1\n");
            }
            OsCommands.Result check = os.run(dir, Map.of(), 30, List.of(config.router().haproxyBin(), "-c", "-q", "-f", next.toString()));
            if (check.exitCode() != 0) {
                throw new IllegalStateException("HAProxy refused the generated configuration: " + check.output().strip());
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (master == null) {
            LOG.infof("router: starting HAProxy (%d endpoint(s))", endpoints);
            OsCommands.Result r = os.run(dir, Map.of(), 30, List.of(config.router().haproxyBin(), "-D", "-f", file.toString()));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("HAProxy did not start: " + r.output().strip());
            }
            awaitWorker(null);
        } else {
            String before = command("show info").lines().filter(l -> l.startsWith("Pid:")).findFirst().orElse("");
            saveServerState();
            LOG.infof("router: reloading HAProxy (%d endpoint(s)); established connections stay", endpoints);
            OsCommands.Result r = os.run(Path.of("/"), Map.of(), 10, List.of("kill", "-USR2", Long.toString(master)));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("HAProxy was not reloaded: " + r.output().strip());
            }
            awaitWorker(before);
        }
        masterPid(); // the pid file names the master (not a worker), whatever HAProxy wrote
    }

    /** One command on HAProxy's admin socket; its answer. */
    String command(String command) {
        Path socket = socketDir.resolve("admin.sock");
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(socket.toFile()));
            s.setSoTimeout(3000);
            s.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("HAProxy admin socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Waits until a worker (other than the one that answered {@code before}) serves the admin socket. */
    private void awaitWorker(String before) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                String pid = command("show info").lines().filter(l -> l.startsWith("Pid:")).findFirst().orElse("");
                if (!pid.isEmpty() && !pid.equals(before)) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("HAProxy worker did not come up within 10 s" + (last == null ? "" : ": " + last));
    }

    /** Health states of the current worker, so the new worker starts where it left off (no flapping to a standby). */
    private void saveServerState() {
        try {
            Files.writeString(dir.resolve("server-state"), command("show servers state"));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("router: server state not saved before reload: %s", e.getMessage());
        }
    }

    /** The ports a configuration binds. */
    static Set<Integer> ports(String conf) {
        Set<Integer> out = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^    bind \\S*:(\\d+)$").matcher(conf);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }
}
