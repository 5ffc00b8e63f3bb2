package io.pgflex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A real, throwaway PostgreSQL cluster: initdb and pg_ctl from real binaries, run as the OS user
 * {@code postgres} when this JVM is root (PostgreSQL refuses root), on a free port, in a temp
 * directory ({@link ScratchDirs}: stopped with {@code -m immediate} and removed when the JVM exits;
 * clusters left behind by a killed test JVM are reaped by the next one).
 */
public final class PostgresCluster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresCluster.class);
    private static final String PREFIX = "pgflex-test-pg-";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster shared;

    private final Path dir;
    private final Path bin;
    private final int port;

    private PostgresCluster(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    /** The cluster of this test JVM, started on first use. */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    public static PostgresCluster start() {
        {
            Path dir = ScratchDirs.create(PREFIX);
            Path bin = PostgresBinaries.binDir();
            int port = KafkaBroker.freePort();
            // the control-plane database's certificate (CN controldb): clients verify it (sslmode=verify-full)
            try {
                Files.copy(Pki.cert("controldb"), dir.resolve("server.crt"));
                Files.copy(Pki.key("controldb"), dir.resolve("server.key"));
                Files.setPosixFilePermissions(dir.resolve("server.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            OsUser.giveToPostgres(dir);
            OsUser.run(dir, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "--no-sync",
                    "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C");
            OsUser.run(dir, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("postgres.log").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on"
                            + " -c ssl_cert_file=" + dir.resolve("server.crt") + " -c ssl_key_file=" + dir.resolve("server.key")
                            + " -c full_page_writes=off -c max_connections=200",
                    "start");
            LOG.infof("PostgreSQL test cluster on 127.0.0.1:%d (%s), data in %s", port, bin, dir);
            return new PostgresCluster(dir, bin, port);
        }
    }

    public int port() {
        return port;
    }

    /** The URL the services use: TLS with the server's certificate verified against the test CA, as in production. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?sslmode=verify-full&sslrootcert=" + Pki.ca();
    }

    public String username() {
        return "postgres";
    }

    /** Creates a new empty database with a unique name derived from {@code hint} and returns its name. */
    public String createDatabase(String hint) {
        String name = (hint.replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet()).toLowerCase();
        execute("postgres", "CREATE DATABASE " + name);
        return name;
    }

    public void execute(String database, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), username(), "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + sql, e);
        }
    }

    @Override
    public void close() {
        ScratchDirs.clean(dir);
    }

    /** Runs PostgreSQL tools as the {@code postgres} OS user when this JVM is root. */
    static final class OsUser {
        private OsUser() {
        }

        static boolean isRoot() {
            return "root".equals(System.getProperty("user.name"));
        }

        static void giveToPostgres(Path dir) {
            if (isRoot()) {
                exec(dir, List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
        }

        static void run(Path workDir, String... command) {
            List<String> cmd = new ArrayList<>();
            if (isRoot()) {
                cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            cmd.addAll(List.of(command));
            exec(workDir, cmd);
        }

        private static void exec(Path workDir, List<String> cmd) {
            try {
                Path out = Files.createTempFile("pgflex-cmd-", ".log");
                Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", cmd));
                }
                String output = Files.readString(out);
                Files.deleteIfExists(out);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + output);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
