package io.pgflex.agent.os;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL programs as the unprivileged OS user {@code postgres} when the agent is root
 * (initdb and postgres refuse root, and pgflex never runs PostgreSQL as root); as the agent's own
 * user otherwise.
 */
@ApplicationScoped
public class OsCommands {
    public static final String POSTGRES_USER = "postgres";

    public record Result(int exitCode, String output) {
    }

    public boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs {@code command} as the PostgreSQL OS user; throws with the output when it fails. */
    public String runAsPostgres(Path workDir, Map<String, String> env, long timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("runuser", "-u", POSTGRES_USER, "--"));
            if (!env.isEmpty()) {
                cmd.add("env");
                env.forEach((k, v) -> cmd.add(k + "=" + v));
            }
        }
        cmd.addAll(List.of(command));
        Result r = run(workDir, isRoot() ? Map.of() : env, timeoutSeconds, cmd);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(command[0].replaceAll(".*/", "") + " failed (exit " + r.exitCode() + "): "
                    + r.output().strip());
        }
        return r.output();
    }

    /** Gives {@code path} (recursively) to the PostgreSQL OS user when the agent is root. */
    public void chownToPostgres(Path path) {
        if (isRoot()) {
            Result r = run(path.getParent(), Map.of(), 60, List.of("chown", "-R", POSTGRES_USER + ":" + POSTGRES_USER, path.toString()));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("chown failed: " + r.output());
            }
        }
    }

    /**
     * The pid in {@code pidFile} when that process is alive and runs {@code program} (pids are
     * reused: a stale pid file must not name someone else's process); null otherwise.
     */
    public static Long livePid(Path pidFile, String program) {
        try {
            if (!Files.exists(pidFile)) {
                return null;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith(program)).orElse(false)).map(p -> pid).orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * Whether the process has exited and waits to be reaped: a killed postmaster (whose parent is
     * init once pg_ctl has gone) stays a zombie until init reaps it, which some inits do only every
     * few seconds; it counts as dead from the moment it died.
     */
    public static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc: trust isAlive()
        }
    }

    /** Writes a file the agent generates unless it already holds {@code content}; whether it wrote. */
    public static boolean writeIfChanged(Path file, String content) {
        try {
            if (Files.exists(file) && Files.readString(file).equals(content)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Like {@link #writeIfChanged(Path, String)}, for files that must never be readable by others
     * even for a moment, in directories another user (postgres) may own: the content is written in
     * {@code staging} (a directory only root may enter, on the same file system) to a new file with
     * {@code permissions}, which then replaces {@code file} atomically. Nothing in a directory
     * postgres controls is opened for writing, so a symlink planted there is replaced, never followed.
     */
    public static boolean writeIfChanged(Path file, String content, java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions,
                                         Path staging) {
        try {
            if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(permissions)
                    && Files.readString(file).equals(content)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Files.createDirectories(staging, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            if (!Files.isDirectory(staging, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || !Files.getPosixFilePermissions(staging, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            .equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))) {
                throw new IOException(staging + " must be a directory only its owner may enter (0700)");
            }
            Path tmp = staging.resolve(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            try {
                try (var out = Files.newByteChannel(tmp, java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions))) {
                    out.write(java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                // created with the umask applied: set exactly what was asked (in staging, nobody else can swap it)
                Files.setPosixFilePermissions(tmp, permissions);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result run(Path workDir, Map<String, String> env, long timeoutSeconds, List<String> cmd) {
        try {
            Path out = Files.createTempFile("pgflex-agent-", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** Deletes a directory with everything below it; nothing there is fine. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates an empty file unless it exists (a mark). */
    public static void touch(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
