package io.pgflex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Scratch directories under java.io.tmpdir that may hold running PostgreSQL clusters. Each records
 * the test JVM that owns it; when that JVM ends (or was killed and a later one looks), every
 * cluster found below it is stopped with {@code -m immediate} and the directory removed, so no test
 * leaves a postgres process behind.
 */
public final class ScratchDirs {
    private static final Logger LOG = Logger.getLogger(ScratchDirs.class);

    private ScratchDirs() {
    }

    /** A new scratch directory owned by this JVM, cleaned up at exit; stale ones of the same prefix are reaped first. */
    public static Path create(String prefix) {
        reapStale(prefix);
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
            Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
            // PostgreSQL's OS user must be able to pass through to what tests create inside
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ServiceProcess.stopAll(); // agents first: they would restart the daemons cleaned up here
                clean(dir);
            }, "scratch-cleanup"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every cluster below {@code dir} and removes it. */
    public static void clean(Path dir) {
        stopClusters(dir);
        if (!Boolean.getBoolean("pgflex.keep-scratch")) { // -Dpgflex.keep-scratch=true keeps the data to look at
            Dirs.delete(dir);
        }
    }

    static void reapStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> entries = Files.list(tmp)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                if (!ownerAlive(p)) {
                    LOG.infof("reaping %s, left behind by a test JVM that is gone", p);
                    clean(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not reap stale scratch directories %s*: %s", prefix, e.getMessage());
        }
    }

    private static void stopClusters(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        stopDaemons(dir);
        try (Stream<Path> files = Files.walk(dir, 5)) {
            List<Path> pidFiles = files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).toList();
            for (Path pidFile : pidFiles) {
                try {
                    PostgresCluster.OsUser.run(dir, PostgresBinaries.binDir().resolve("pg_ctl").toString(), "-D",
                            pidFile.getParent().toString(), "-m", "immediate", "-w", "stop");
                } catch (RuntimeException e) {
                    LOG.warnf("could not stop the cluster in %s: %s", pidFile.getParent(), e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not look for clusters in %s: %s", dir, e.getMessage());
        }
    }

    /** SIGTERM, and SIGKILL when the process has not ended within 10 s; returns once it has ended. */
    private static void stop(ProcessHandle p) {
        p.destroy();
        p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> {
            p.destroyForcibly();
            return p;
        }).join();
    }

    /** PgBouncers and routers (HAProxy) that node agents under {@code dir} started: they outlive their agent. */
    private static void stopDaemons(Path dir) {
        // HAProxy by its configuration file under dir (master and workers): its pid file may be stale after reloads
        Path root = dir.toAbsolutePath().normalize();
        ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("haproxy")).orElse(false)
                && java.util.Arrays.stream(p.info().arguments().orElse(new String[0]))
                        .anyMatch(a -> a.endsWith("haproxy.cfg") && Path.of(a).toAbsolutePath().normalize().startsWith(root)))
                .forEach(ScratchDirs::stop);
        try (Stream<Path> files = Files.walk(dir, 6)) {
            for (Path pidFile : files.filter(f -> List.of("pgbouncer.pid", "haproxy.pid").contains(f.getFileName().toString()))
                    .toList()) {
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("pgbouncer") || c.endsWith("haproxy"))
                            .orElse(false)).ifPresent(ScratchDirs::stop);
                } catch (IOException | NumberFormatException e) {
                    LOG.warnf("could not stop the process of %s: %s", pidFile, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not look for PgBouncer/HAProxy in %s: %s", dir, e.getMessage());
        }
    }

    private static boolean ownerAlive(Path dir) {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("owner.pid"), StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
