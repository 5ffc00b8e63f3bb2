package io.pgflex.testkit;

import io.pgflex.launcher.PemTls;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The platform PKI of a test JVM: one CA in a scratch directory and one certificate per component
 * identity, issued by {@code deploy/pki/pki.sh}, the script {@code ./pgflex up} issues the local
 * stack's with. Tests present these certificates exactly as the components do.
 */
public final class Pki {
    private static Path dir;

    private Pki() {
    }

    /** The CA's directory of this JVM (kept across Quarkus class-loader restarts by a system property). */
    public static synchronized Path dir() {
        if (dir == null) {
            String known = System.getProperty("pgflex.test.pki");
            dir = known != null ? Path.of(known) : ScratchDirs.create("pgflex-test-pki-");
            run("ca", dir.toString());
            System.setProperty("pgflex.test.pki", dir.toString());
        }
        return dir;
    }

    public static Path ca() {
        return dir().resolve("ca.crt");
    }

    /**
     * The certificate of {@code name} (its CN), issued on first use; SANs localhost and 127.0.0.1
     * (and the addresses of the test hosts when agents run as separate hosts, {@link NetHosts}).
     */
    public static synchronized Path cert(String name) {
        Path cert = dir().resolve(name + ".crt");
        if (!Files.exists(cert)) {
            List<String> args = new java.util.ArrayList<>(List.of("issue", dir().toString(), name));
            if (NetHosts.enabled()) {
                // agents and the broker are reached at the test hosts' addresses too: every certificate names them all
                args.addAll(List.of("DNS:localhost", "IP:127.0.0.1"));
                NetHosts.shared().allAddresses().forEach(a -> args.add("IP:" + a));
            }
            run(args.toArray(String[]::new));
        }
        return cert;
    }

    public static Path key(String name) {
        cert(name);
        return dir().resolve(name + ".key");
    }

    /** Certificate and key of {@code name} in one PEM file (what Kafka clients and HAProxy read). */
    public static Path pem(String name) {
        cert(name);
        return dir().resolve(name + ".pem");
    }

    /** A component's TLS configuration as pgflex reads it: {@code pgflex.tls.cert}, {@code .key}, {@code .ca}, {@code .pem}. */
    public static Map<String, String> config(String name) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("pgflex.tls.cert", cert(name).toString());
        c.put("pgflex.tls.key", key(name).toString());
        c.put("pgflex.tls.ca", ca().toString());
        c.put("pgflex.tls.pem", pem(name).toString());
        // services read these in production only: a test that configures them directly gets the same
        c.put("quarkus.tls.key-store.pem.own.cert", cert(name).toString());
        c.put("quarkus.tls.key-store.pem.own.key", key(name).toString());
        c.put("quarkus.tls.trust-store.pem.certs", ca().toString());
        return c;
    }

    /** The same as environment variables of a process. */
    public static Map<String, String> env(String name) {
        Map<String, String> e = new LinkedHashMap<>();
        config(name).forEach((k, v) -> {
            if (k.startsWith("pgflex.")) {
                e.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v);
            }
        });
        return e;
    }

    /** A client that trusts only the platform CA and shows {@code name}'s certificate (null: none). */
    public static SSLContext sslContext(String name) {
        return name == null ? PemTls.sslContext(ca(), null, null) : PemTls.sslContext(ca(), cert(name), key(name));
    }

    /** RestAssured calls to {@code baseUrl} (https) as {@code name} (null: without a client certificate). */
    @SuppressWarnings("deprecation") // RestAssured takes Apache HttpClient 4's socket factory
    public static RequestSpecification as(String name, String baseUrl) {
        var factory = new org.apache.http.conn.ssl.SSLSocketFactory(sslContext(name),
                org.apache.http.conn.ssl.SSLSocketFactory.STRICT_HOSTNAME_VERIFIER);
        return RestAssured.given().spec(new RequestSpecBuilder().setBaseUri(baseUrl)
                .setConfig(RestAssured.config().sslConfig(SSLConfig.sslConfig().sslSocketFactory(factory))).build());
    }

    private static void run(String... args) {
        Path script = ServiceProcess.repo().resolve("deploy/pki/pki.sh");
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pki.sh " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
