package io.pgflex.support.agents;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A typed HTTPS client of one node agent (the contract in {@link NodeAgentApi}): mutual TLS with
 * the service's own certificate (the agent authorises by its CN) and only the platform CA trusted.
 */
public final class AgentClientFactory {
    private AgentClientFactory() {
    }

    /** The service's TLS configuration (its certificate and the platform CA); a service without one cannot call agents. */
    public static TlsConfiguration platformTls(TlsConfigurationRegistry registry) {
        return registry.getDefault().filter(t -> t.getKeyStore() != null && t.getTrustStore() != null)
                .orElseThrow(() -> new IllegalStateException("no TLS certificate of the platform CA is configured"
                        + " (pgflex.tls.cert, pgflex.tls.key, pgflex.tls.ca): node agents accept only mutual TLS"));
    }

    public static NodeAgentApi client(String url, TlsConfiguration tls, Duration connectTimeout, Duration readTimeout) {
        if (!url.startsWith("https://")) {
            throw new IllegalArgumentException("node agent URL " + url + " is not https: agents speak mutual TLS only");
        }
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url))
                .tlsConfiguration(tls)
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(NodeAgentApi.class);
    }
}
