package io.pgflex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Real object-storage servers for tests, as processes: s3proxy (S3 API, from Maven Central, storing
 * into a directory) and Azurite (Azure Blob API, from npm). Both keep their bytes in a directory,
 * so a test can look at what really reached the store.
 */
public final class ObjectStores {
    /** Azurite's well-known development account. */
    public static final String AZURITE_ACCOUNT = "devstoreaccount1";
    public static final String AZURITE_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public static final String S3_ACCESS_KEY = "pgflex-test";
    public static final String S3_SECRET_KEY = "pgflex-test-secret";

    private ObjectStores() {
    }

    /** A running store: its endpoint, the directory its bytes live in, the settings a pgflex component needs. */
    public record Store(String kind, String endpoint, Path dataDir, Map<String, String> settings, Process process)
            implements AutoCloseable {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The settings as environment variables (PGFLEX_BACKUP_REPOSITORY_…). */
        public Map<String, String> env() {
            Map<String, String> env = new java.util.HashMap<>();
            settings.forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v));
            return env;
        }
    }

    /** s3proxy's jar: system property {@code pgflex.s3proxy.jar}, else target/s3proxy/s3proxy.jar (copied by the build). */
    public static Path s3proxyJar() {
        Path jar = Path.of(System.getProperty("pgflex.s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the module's build copies org.gaul:s3proxy"
                    + " (jar-with-dependencies) there");
        }
        return jar;
    }

    public static Store s3proxy(Path dir) {
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            Path props = dir.resolve("s3proxy.conf");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + S3_ACCESS_KEY,
                    "s3proxy.credential=" + S3_SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data) + "\n");
            Process p = start(dir.resolve("s3proxy.log"), List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", s3proxyJar().toString(), "--properties", props.toString()));
            awaitPort(port, p, dir.resolve("s3proxy.log"));
            String endpoint = "http://127.0.0.1:" + port;
            return new Store("s3", endpoint, data, Map.of(
                    "pgflex.backup.repository.type", "s3",
                    "pgflex.backup.repository.s3.endpoint", endpoint,
                    "pgflex.backup.repository.s3.bucket", "pgflex-backups",
                    "pgflex.backup.repository.s3.access-key", S3_ACCESS_KEY,
                    "pgflex.backup.repository.s3.secret-key", S3_SECRET_KEY), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Azurite's blob service (npm package {@code azurite}: the azurite-blob command must be on the PATH). */
    public static Store azurite(Path dir) {
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            Process p = start(dir.resolve("azurite.log"), List.of("azurite-blob", "--blobHost", "127.0.0.1",
                    "--blobPort", Integer.toString(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose",
                    "--silent"));
            awaitPort(port, p, dir.resolve("azurite.log"));
            String endpoint = "http://127.0.0.1:" + port + "/" + AZURITE_ACCOUNT;
            return new Store("azure", endpoint, data, Map.of(
                    "pgflex.backup.repository.type", "azure",
                    "pgflex.backup.repository.azure.endpoint", endpoint,
                    "pgflex.backup.repository.azure.account-name", AZURITE_ACCOUNT,
                    "pgflex.backup.repository.azure.account-key", AZURITE_KEY,
                    "pgflex.backup.repository.azure.container", "pgflex-backups"), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process start(Path log, List<String> command) throws IOException {
        try {
            return new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + " (" + e.getMessage() + "); for Azurite: npm install -g azurite", e);
        }
    }

    private static void awaitPort(int port, Process p, Path log) {
        Awaitility.await(p.info().command().orElse("store") + " listening on " + port).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("exited: " + Files.readString(log));
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
