package io.pgflex.agent.api;

import io.pgflex.agent.AgentConfig;
import io.pgflex.contracts.agent.NodeAgentApi;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Lets a call into {@code /agent/v1} through only with the shared bearer token (compared in constant time). */
public class BearerTokenFilter {
    private final byte[] expected;

    public BearerTokenFilter(AgentConfig config) {
        this.expected = ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(NodeAgentApi.BASE_PATH)) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            return null;
        }
        return Response.status(401).type(MediaType.APPLICATION_JSON).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(Map.of("error", Map.of("code", "AuthenticationFailed",
                        "message", "A valid agent bearer token is required.")))
                .build();
    }
}
