package io.pgflex.support.agents;

import io.pgflex.contracts.agent.NodeAgentApi;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A typed HTTP client of one node agent (the contract in {@link NodeAgentApi}) carrying the agent bearer token. */
public final class AgentClientFactory {
    private AgentClientFactory() {
    }

    public static NodeAgentApi client(String url, String token, Duration connectTimeout, Duration readTimeout) {
        ClientRequestFilter auth = request -> request.getHeaders().putSingle("Authorization", "Bearer " + token);
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url))
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .register(auth)
                .build(NodeAgentApi.class);
    }
}
