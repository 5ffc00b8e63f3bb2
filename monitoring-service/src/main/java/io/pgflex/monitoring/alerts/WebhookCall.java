package io.pgflex.monitoring.alerts;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One webhook POST to a tenant's URL, pinned to the address that was checked: the host is
 * resolved once, every address it has must be public (unless private targets are allowed), and
 * the connection goes to the first of them, with the URL's host in the Host header and as the TLS
 * server name and verified name. A second lookup, which a rebinding DNS server would answer with
 * an internal address, never happens.
 */
public final class WebhookCall implements AutoCloseable {
    /** Name to addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpClient client;
    private final Resolver resolver;

    public WebhookCall(Vertx vertx, Resolver resolver) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setVerifyHost(true)
                .setForceSni(true).setMaxPoolSize(4).setKeepAlive(false));
        this.resolver = resolver;
    }

    /** Posts {@code json}; the response's status. Throws with the reason when the target is refused or unreachable. */
    public int post(URI url, String json, boolean allowPrivate) throws IOException, InterruptedException {
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new IOException("refused: " + url + " is not an http(s) URL with a host");
        }
        InetAddress[] addresses = resolver.resolve(url.getHost());
        if (addresses.length == 0) {
            throw new UnknownHostException(url.getHost());
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                String why = WebhookSender.notPublic(a);
                if (why != null) {
                    throw new IOException("refused: " + url.getHost() + " is " + why + " (" + a.getHostAddress() + ")");
                }
            }
        }
        boolean tls = "https".equals(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, addresses[0].getHostAddress()))
                .setHost(url.getHost()).setPort(port).setSsl(tls).setURI(path).setFollowRedirects(false)
                .setIdleTimeout(10_000).putHeader("Content-Type", "application/json");
        try {
            return client.request(options).compose(r -> r.send(json)).map(r -> r.statusCode())
                    .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer within 15 s", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
