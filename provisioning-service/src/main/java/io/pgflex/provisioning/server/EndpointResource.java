package io.pgflex.provisioning.server;

import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.endpoint.Endpoints;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's view of a server's stable endpoint (pgflex extension): whether it is routable now,
 * which instance it leads to, each member's health-check state, and why it is not routable when it
 * is not. {@code state}: Routable, NotRoutable, or Unknown when the router cannot be asked.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/endpoint")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointResource {
    private final ServerService servers;
    private final TenantGuard guard;
    private final AgentClients agents;
    private final ProvisioningConfig config;
    private final Endpoints endpoints;

    public EndpointResource(ServerService servers, TenantGuard guard, AgentClients agents, ProvisioningConfig config,
                            Endpoints endpoints) {
        this.servers = servers;
        this.guard = guard;
        this.agents = agents;
        this.config = config;
        this.endpoints = endpoints;
    }

    @GET
    public Map<String, Object> get(@PathParam("subscriptionId") String subscriptionId,
                                   @PathParam("resourceGroup") String resourceGroup,
                                   @PathParam("serverName") String serverName,
                                   @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity s = servers.get(subscriptionId, resourceGroup, serverName);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("fullyQualifiedDomainName", endpoints.host());
        props.put("port", s.endpointPort);
        props.put("pgBouncerPort", s.endpointPort == null ? null : endpoints.pgBouncerPort(s));
        try {
            RouteStatus route = agents.client(config.endpoint().routerAgent()).route(s.id.toString());
            props.put("state", route.routable() ? "Routable" : "NotRoutable");
            props.put("primaryInstanceId", route.primaryInstanceId());
            props.put("pgBouncerState", route.pgBouncerRoutable() ? "Routable" : "NotRoutable");
            props.put("reason", route.reason());
            props.put("routeGeneration", route.generation());
            props.put("members", route.members());
        } catch (WebApplicationException e) {
            boolean unknownRoute = e.getResponse() != null && e.getResponse().getStatus() == 404;
            props.put("state", unknownRoute ? "NotRoutable" : "Unknown");
            props.put("reason", unknownRoute ? "the router has no route for this server yet" : "the router did not answer: "
                    + e.getMessage());
            props.put("members", List.of());
        } catch (RuntimeException e) {
            props.put("state", "Unknown");
            props.put("reason", "the router did not answer: " + e.getMessage());
            props.put("members", List.of());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.resourceId() + "/endpoint");
        out.put("name", "endpoint");
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/endpoint");
        out.put("properties", props);
        return out;
    }
}
