package io.pgflex.provisioning.server;

import io.pgflex.provisioning.endpoint.Endpoints;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** All servers of a subscription (servers.list in the SDKs, {@code az postgres flexible-server list}), in full. */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.DBforPostgreSQL/flexibleServers")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionServerResource {
    private final ServerService servers;
    private final TenantGuard guard;
    private final Endpoints endpoints;
    private final int pageSize;

    @PathParam("subscriptionId")
    String subscriptionId;
    @QueryParam("api-version")
    String apiVersion;
    @Context
    UriInfo uri;

    public SubscriptionServerResource(ServerService servers, TenantGuard guard, Endpoints endpoints,
                                      @ConfigProperty(name = "pgflex.api.page-size", defaultValue = "100") int pageSize) {
        this.servers = servers;
        this.guard = guard;
        this.endpoints = endpoints;
        this.pageSize = pageSize;
    }

    @GET
    public Map<String, Object> list(@QueryParam("$skipToken") String skipToken) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        return ServerPages.page(servers.page(subscriptionId, null, skipToken, pageSize), pageSize, uri,
                s -> ServerResponse.of(s, endpoints.host(),
                        s.endpointPort != null && servers.pgBouncerEnabled(s) ? endpoints.pgBouncerPort(s) : null));
    }
}
