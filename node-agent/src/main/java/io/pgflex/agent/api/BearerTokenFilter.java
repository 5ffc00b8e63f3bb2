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

/**
 * Lets a call into {@code /agent/v1} through only with the shared bearer token (compared in constant
 * time), or, for an instance's own WAL calls, with that instance's archive token.
 */
public class BearerTokenFilter {
    private static final java.util.regex.Pattern WAL_PATH =
            java.util.regex.Pattern.compile("^" + NodeAgentApi.BASE_PATH + "/instances/([A-Za-z0-9_-]+)/wal/[^/]+$");
    private final byte[] expected;
    private final io.pgflex.agent.backup.WalArchive wal;

    public BearerTokenFilter(AgentConfig config, io.pgflex.agent.backup.WalArchive wal) {
        this.expected = ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
        this.wal = wal;
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
        // PostgreSQL's archive and restore scripts carry a token good for their own instance's WAL only
        java.util.regex.Matcher wal = WAL_PATH.matcher(request.getUriInfo().getPath());
        if (wal.matches() && MessageDigest.isEqual(("Bearer " + this.wal.instanceToken(wal.group(1)))
                .getBytes(StandardCharsets.UTF_8), given)) {
            return null;
        }
        return Response.status(401).type(MediaType.APPLICATION_JSON).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(Map.of("error", Map.of("code", "AuthenticationFailed",
                        "message", "A valid agent bearer token is required.")))
                .build();
    }
}
