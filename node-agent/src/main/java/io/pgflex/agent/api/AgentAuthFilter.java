package io.pgflex.agent.api;

import io.pgflex.agent.archive.WalArchive;
import io.pgflex.contracts.tls.PeerIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every call into {@code /agent/v1}: by the client certificate TLS verified against
 * the platform CA (its common name is the caller's identity), or, for an instance's WAL calls, by
 * that instance's WAL token; then lets {@link AgentAccess} decide. A refusal says why (401 without
 * credentials, 403 with credentials that do not allow the call) and is logged with its reason.
 */
public class AgentAuthFilter {
    private static final Logger LOG = Logger.getLogger(AgentAuthFilter.class);
    private final WalArchive wal;

    public AgentAuthFilter(WalArchive wal) {
        this.wal = wal;
    }

    @ServerRequestFilter(preMatching = true) // before routing: a refused caller learns nothing of the API (no 404, 405, 415)
    public Response check(ContainerRequestContext request, HttpServerRequest http) {
        // decided on the path as sent: what the router matches, not a decoded form of it
        String path = http.path();
        String identity = PeerIdentity.of(http.sslSession());
        // a WAL call's token counts only for the instance the path names (AgentAccess's own reading of the path)
        String walInstance = AgentAccess.walInstance(path);
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (walInstance != null && (header == null || !MessageDigest.isEqual(("Bearer " + wal.instanceToken(walInstance))
                .getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8)))) {
            walInstance = null;
        }
        AgentAccess.Decision decision = AgentAccess.decide(identity, walInstance, request.getMethod(), path);
        if (decision.allowed()) {
            return null;
        }
        boolean anonymous = identity == null && walInstance == null;
        LOG.warnf("refused %s %s from %s: %s", request.getMethod(), path,
                identity != null ? identity : walInstance != null ? "the WAL token of " + walInstance : "an unauthenticated caller",
                decision.reason());
        return Response.status(anonymous ? 401 : 403).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", Map.of("code", anonymous ? "AuthenticationFailed" : "AuthorizationFailed",
                        "message", decision.reason())))
                .build();
    }
}
