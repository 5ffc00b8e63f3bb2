package io.pgflex.provisioning.server;

import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** ARM routes of Microsoft.DBforPostgreSQL/flexibleServers. */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ServerResource {
    private final ServerService servers;

    public ServerResource(ServerService servers) {
        this.servers = servers;
    }

    @PUT
    @Path("/{name}")
    public Response create(@PathParam("subscriptionId") String subscriptionId, @PathParam("resourceGroup") String resourceGroup,
                           @PathParam("name") String name, @QueryParam("api-version") String apiVersion,
                           ServerRequest request) {
        ApiVersions.require(apiVersion);
        ServerEntity server = servers.create(subscriptionId, resourceGroup, name, request);
        return Response.status(Response.Status.CREATED).entity(ServerResponse.of(server)).build();
    }

    @GET
    @Path("/{name}")
    public ServerResponse get(@PathParam("subscriptionId") String subscriptionId, @PathParam("resourceGroup") String resourceGroup,
                              @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        return ServerResponse.of(servers.get(subscriptionId, resourceGroup, name));
    }

    @GET
    public Map<String, List<ServerResponse>> list(@PathParam("subscriptionId") String subscriptionId,
                                                  @PathParam("resourceGroup") String resourceGroup,
                                                  @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        return Map.of("value", servers.list(subscriptionId, resourceGroup).stream().map(ServerResponse::of).toList());
    }
}
