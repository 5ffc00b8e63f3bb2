package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.operation.Operations;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;

/** ARM routes of Microsoft.DBforPostgreSQL/flexibleServers in a resource group. */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ServerResource {
    private final ServerService servers;
    private final TenantGuard guard;

    @PathParam("subscriptionId")
    String subscriptionId;
    @PathParam("resourceGroup")
    String resourceGroup;
    @QueryParam("api-version")
    String apiVersion;
    @Context
    UriInfo uri;

    private final io.pgflex.provisioning.endpoint.Endpoints endpoints;
    private final int pageSize;

    private final io.pgflex.provisioning.placement.Placement placement;

    public ServerResource(ServerService servers, TenantGuard guard, io.pgflex.provisioning.endpoint.Endpoints endpoints,
                          io.pgflex.provisioning.placement.Placement placement,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "pgflex.api.page-size",
                                  defaultValue = "100") int pageSize) {
        this.placement = placement;
        this.servers = servers;
        this.guard = guard;
        this.endpoints = endpoints;
        this.pageSize = pageSize;
    }

    private ServerResponse view(ServerEntity s) {
        return ServerResponse.of(s, endpoints.host(),
                s.endpointPort != null && servers.pgBouncerEnabled(s) ? endpoints.pgBouncerPort(s) : null);
    }

    /** Create (201) or update (200) the server; both answer with the operation headers. */
    @PUT
    @Path("/{name}")
    public Response createOrUpdate(@PathParam("name") String name, ServerRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        ServerService.Accepted accepted;
        if (ServerEntity.findInGroup(subscriptionId, resourceGroup, name).isPresent()) {
            accepted = servers.update(subscriptionId, resourceGroup, name, request, guard.caller());
        } else {
            servers.validateCreate(subscriptionId, name, request);
            accepted = servers.create(subscriptionId, resourceGroup, name, request, guard.caller());
        }
        return Operations.withHeaders(Response.status(accepted.created() ? 201 : 200), accepted.operation(), uri)
                .entity(view(accepted.server())).build();
    }

    @PATCH
    @Path("/{name}")
    public Response update(@PathParam("name") String name, ServerRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        ServerService.Accepted accepted = servers.update(subscriptionId, resourceGroup, name, request, guard.caller());
        return Operations.withHeaders(Response.accepted(), accepted.operation(), uri)
                .entity(view(accepted.server())).build();
    }

    @GET
    @Path("/{name}")
    public ServerResponse get(@PathParam("name") String name) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        return view(servers.get(subscriptionId, resourceGroup, name));
    }

    @GET
    public Map<String, Object> list(@QueryParam("$skipToken") String skipToken) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        return ServerPages.page(servers.page(subscriptionId, resourceGroup, skipToken, pageSize), pageSize, uri, this::view);
    }

    /** What this server can be changed to (az CLI's update validator asks it on every update): SKUs, sizes, its major. */
    @GET
    @Path("/{name}/capabilities")
    public Map<String, Object> capabilities(@PathParam("name") String name) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = servers.get(subscriptionId, resourceGroup, name);
        return Map.of("value", List.of(io.pgflex.provisioning.capabilities.Capabilities.of(server.location,
                placement.offeredMajors(), placement.zones(), Integer.valueOf(server.version))));
    }

    /** The read replicas of a server: pgflex offers none yet, so always an empty list for a server that exists. */
    @GET
    @Path("/{name}/replicas")
    public Map<String, Object> replicas(@PathParam("name") String name) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        servers.get(subscriptionId, resourceGroup, name);
        return Map.of("value", List.of());
    }

    /** 202 with the operation, or 204 when there is no such server. */
    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        if (ServerEntity.findInGroup(subscriptionId, resourceGroup, name).isEmpty()) {
            return Response.noContent().build();
        }
        return accepted(servers.action(subscriptionId, resourceGroup, name, OperationKind.Delete, new OperationDetail.Delete(null)));
    }

    @POST
    @Path("/{name}/start")
    public Response start(@PathParam("name") String name) {
        return act(name, OperationKind.Start, new OperationDetail.Start(false));
    }

    @POST
    @Path("/{name}/stop")
    public Response stop(@PathParam("name") String name) {
        return act(name, OperationKind.Stop, new OperationDetail.None());
    }

    /**
     * Restart; with {@code restartWithFailover} the standby takes over instead: PlannedFailover (the
     * default; waits for the standby, no commit lost, the old primary becomes the standby) or
     * ForcedFailover (at once). The Switchover spellings mean the same here.
     */
    @POST
    @Path("/{name}/restart")
    public Response restart(@PathParam("name") String name, Map<String, Object> body) {
        if (body != null && Boolean.TRUE.equals(body.get("restartWithFailover"))) {
            ApiVersions.require(apiVersion);
            guard.write(subscriptionId);
            Object given = body.get("failoverMode");
            String mode = given == null ? "PlannedFailover" : given.toString();
            if (!List.of("PlannedFailover", "ForcedFailover", "PlannedSwitchover", "ForcedSwitchover").contains(mode)) {
                throw ArmException.badRequest("InvalidFailoverMode", "failoverMode must be PlannedFailover, ForcedFailover,"
                        + " PlannedSwitchover or ForcedSwitchover, not '" + mode + "'.", "failoverMode");
            }
            String failoverMode = mode.startsWith("Planned") ? "PlannedFailover" : "ForcedFailover";
            return accepted(servers.restartWithFailover(subscriptionId, resourceGroup, name, failoverMode));
        }
        return act(name, OperationKind.Restart, new OperationDetail.Restart(false, null, false));
    }

    private Response act(String name, OperationKind kind, OperationDetail detail) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        return accepted(servers.action(subscriptionId, resourceGroup, name, kind, detail));
    }

    private Response accepted(ServerService.Accepted accepted) {
        return Operations.withHeaders(Response.accepted(), accepted.operation(), uri).build();
    }
}
