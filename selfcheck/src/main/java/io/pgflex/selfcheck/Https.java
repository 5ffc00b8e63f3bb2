package io.pgflex.selfcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.launcher.PemTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS client that trusts only the platform CA and shows one component's certificate, or none. HTTP/1.1 (the
 * node agents speak nothing else); the path is sent as written (no normalising: the checks send dot segments on
 * purpose).
 */
final class Https {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;

    private Https(SSLContext tls) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static Https trusting(Path ca) {
        return new Https(PemTls.sslContext(ca, null, null));
    }

    static Https as(Path ca, Path cert, Path key) {
        return new Https(PemTls.sslContext(ca, cert, key));
    }

    /** An answer: status, headers, body. */
    record Reply(int status, HttpResponse<String> response) {
        String body() {
            return response.body();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body());
            } catch (IOException e) {
                throw new Failed("not JSON from " + response.uri() + ": " + body());
            }
        }

        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    Reply get(String url, String token) {
        return send("GET", url, token, null);
    }

    /** The request; an exception when no HTTP answer came (refused, TLS handshake failed, timed out). */
    Reply send(String method, String url, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + ": no answer ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether any HTTP answer comes back at all (for checks that the connection itself must be refused). */
    boolean answers(String url) {
        try {
            get(url, null);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections at this host and port. */
    static boolean listens(String host, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 5_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A plain-HTTP client (for the check that nothing answers one). */
    static boolean plainHttpAnswers(String url) {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            plain.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
