package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.Pki;
import io.pgflex.testkit.ScratchDirs;
import io.pgflex.testkit.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The API gateway as deployed (HAProxy from Debian with deploy/gateway/haproxy.cfg, HTTPS with the platform CA) in
 * front of the test stack's services: one base URL, as a real client sees pgflex. Started once per test JVM; its
 * configuration lies in a scratch directory, so a gateway left behind by a killed JVM is reaped with it.
 */
final class Gateway {
    private static String url;

    private Gateway() {
    }

    static synchronized String url() {
        if (url != null) {
            return url;
        }
        Stack.start();
        int port = Stack.freePort();
        Path dir = ScratchDirs.create("pgflex-gateway-");
        Path cfg = dir.resolve("haproxy.cfg");
        Process started;
        try {
            Files.copy(ServiceProcess.repo().resolve("deploy/gateway/haproxy.cfg"), cfg);
            ProcessBuilder pb = new ProcessBuilder(haproxy(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
            Map<String, String> env = pb.environment();
            env.put("PGFLEX_GATEWAY_BIND", "127.0.0.1:" + port);
            env.put("PGFLEX_GATEWAY_CERT", Pki.pem("gateway").toString());
            env.put("PGFLEX_CA_CERT", Pki.ca().toString());
            env.put("PGFLEX_PROVISIONING_ADDR", "127.0.0.1:" + Stack.provisioning().port());
            env.put("PGFLEX_HA_ADDR", "127.0.0.1:" + Stack.ha().port());
            env.put("PGFLEX_BACKUP_ADDR", "127.0.0.1:" + Stack.backup().port());
            // not started for the gateway's sake (one more JVM on a small CI machine): routes to it then fail alone
            env.put("PGFLEX_MONITORING_ADDR", "127.0.0.1:" + Stack.monitoringPortIfStarted().orElse(Stack.freePort()));
            env.put("PGFLEX_MAINTENANCE_ADDR", "127.0.0.1:" + Stack.freePort()); // not part of the test stack
            started = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await("the gateway listens").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("the gateway exited: " + Files.readString(dir.resolve("gateway.log")));
                    }
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        return true;
                    }
                });
        url = "https://127.0.0.1:" + port;
        return url;
    }

    private static String haproxy() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    }
}
