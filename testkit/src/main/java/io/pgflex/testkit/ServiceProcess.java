package io.pgflex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A packaged pgflex service (target/quarkus-app/quarkus-run.jar) run as its own process, as the
 * local stack runs it: HTTPS only, with the certificate of its identity from the test {@link Pki}.
 */
public final class ServiceProcess implements AutoCloseable {
    /** Trusts only the platform CA and shows the operator's certificate (services take no caller without one). */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(Pki.sslContext("operator")).build();
    }

    /** Environment variable naming the test JVM that started a process. */
    private static final String PARENT = "PGFLEX_TEST_JVM";

    /**
     * Service and agent processes whose test JVM is gone (killed, so its shutdown hooks never ran):
     * they would hold ports, consume Kafka and keep the CPU busy for the next test JVM.
     */
    private static final class Orphans {
        static final List<Long> REAPED = reap();

        private static List<Long> reap() {
            List<Long> reaped = new ArrayList<>();
            ProcessHandle.allProcesses().forEach(p -> {
                try {
                    String env = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    for (String var : env.split("\0")) {
                        if (var.startsWith(PARENT + "=")) {
                            long parent = Long.parseLong(var.substring(PARENT.length() + 1));
                            if (parent != ProcessHandle.current().pid() && ProcessHandle.of(parent).isEmpty()) {
                                p.destroyForcibly();
                                reaped.add(p.pid());
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not ours to read
                }
            });
            return reaped;
        }
    }

    private final String name;
    private final String host;
    private final int port;
    private final ProcessHandle process;
    private final Path log;

    private ServiceProcess(String name, String host, int port, ProcessHandle process, Path log) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.process = process;
        this.log = log;
        STARTED.add(this);
    }

    private static final java.util.Set<ServiceProcess> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Stops every process this JVM started or attached to. The JVM's exit does this before the
     * scratch directories are cleaned: an agent still running while its router's HAProxy is stopped
     * would start a new one, which then outlives everything and holds the endpoint ports.
     */
    static void stopAll() {
        STARTED.parallelStream().forEach(ServiceProcess::close);
    }

    /**
     * A process started earlier in this JVM, found again by its pid (Quarkus tests load test
     * resources again in a new class loader when the application restarts; the process stays one).
     */
    public static java.util.Optional<ServiceProcess> attach(String module, String host, int port, long pid) {
        // the pid must still be that java process (pids are reused)
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("java") && c.contains(module)).orElse(false))
                .map(h -> new ServiceProcess(module, host, port, h, Path.of("target/e2e-logs").resolve(module + "-" + port + ".log")));
    }

    public long pid() {
        return process.pid();
    }

    /** The repository root: system property {@code pgflex.repo}, else the parent of the module's directory. */
    public static Path repo() {
        return Path.of(System.getProperty("pgflex.repo", "..")).toAbsolutePath().normalize();
    }

    /** A service as itself: its certificate's CN is its module name. */
    public static ServiceProcess start(String module, int port, Map<String, String> env) {
        return start(module, module, port, env);
    }

    /**
     * Starts {@code <repo>/<module>/target/quarkus-app/quarkus-run.jar} on {@code port} (HTTPS) as
     * {@code identity} (its certificate's CN) and waits until it is ready.
     */
    public static ServiceProcess start(String module, String identity, int port, Map<String, String> env) {
        return start(module, identity, "127.0.0.1", List.of(), port, env);
    }

    /**
     * The same on another host: started with {@code prefix} (e.g. {@code nsenter --net=/run/netns/<ns> --}: the
     * program replaces it, so the pid is the JVM's), listening on every address of that host, reached at {@code host}.
     */
    public static ServiceProcess start(String module, String identity, String host, List<String> prefix, int port,
                                       Map<String, String> env) {
        Orphans.REAPED.size(); // once per JVM: processes of test JVMs that were killed are stopped first
        Path jar = repo().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (./mvnw -B verify from the root"
                    + " builds the modules in order)");
        }
        try {
            // one log per process: two agents (or a service restarted on another port) do not share a file
            Path log = Files.createDirectories(Path.of("target/e2e-logs")).resolve(module + "-" + port + ".log");
            // the node agent moves data (backups: compression, encryption, digests) and monitoring-service
            // ingests every server's metrics: full JIT for them; the other services start faster and small with C1 only
            List<String> jvm = module.equals("node-agent") || module.equals("monitoring-service") ? List.of("-Xmx512m", "-XX:+UseSerialGC")
                    : List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvm);
            cmd.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())); // a restart on the same port appends
            pb.environment().putAll(Pki.env(identity));
            pb.environment().put(PARENT, Long.toString(ProcessHandle.current().pid()));
            pb.environment().putAll(env);
            pb.environment().put("QUARKUS_HTTP_SSL_PORT", Integer.toString(port));
            // on a host of its own: every address there (its WAL scripts call it on loopback, others on the host's address)
            pb.environment().put("QUARKUS_HTTP_HOST", prefix.isEmpty() ? "127.0.0.1" : "0.0.0.0");
            ServiceProcess service = new ServiceProcess(module, host, port, pb.start().toHandle(), log);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close));
            service.awaitReady();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Awaitility.await(name + " ready (log: " + log.toAbsolutePath() + ")").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited: " + Files.readString(log));
                    }
                    return get("/q/health/ready").statusCode() == 200;
                });
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(name + " did not exit after SIGKILL", e);
        }
    }

    public String url(String path) {
        return "https://" + host + ":" + port + path;
    }

    /** The address the process is reached at. */
    public String host() {
        return host;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.onExit().get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
    }
}
