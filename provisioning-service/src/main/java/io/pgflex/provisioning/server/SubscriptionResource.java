package io.pgflex.provisioning.server;

import io.pgflex.provisioning.capabilities.Capabilities;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerNames;
import io.pgflex.provisioning.placement.Placement;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Subscription-wide routes: name availability, capabilities, all servers of the subscription. */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.DBforPostgreSQL")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SubscriptionResource {
    private final TenantGuard guard;
    private final Placement placement;

    @PathParam("subscriptionId")
    String subscriptionId;
    @QueryParam("api-version")
    String apiVersion;

    private final ServerService servers;

    public SubscriptionResource(TenantGuard guard, Placement placement, ServerService servers) {
        this.guard = guard;
        this.placement = placement;
        this.servers = servers;
    }

    /**
     * Quota usages (quotaUsages.list, {@code az postgres flexible-server list-skus}' neighbours): the subscription's
     * servers, vCores and storage against its quota. pgflex's quota is per subscription, so every location shows it.
     */
    @GET
    @Path("/locations/{location}/resourceType/flexibleServers/usages")
    public Map<String, Object> usages(@PathParam("location") String location) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        var limits = servers.quota();
        var held = servers.held(subscriptionId);
        String base = "/subscriptions/" + subscriptionId + "/providers/Microsoft.DBforPostgreSQL/locations/" + location
                + "/resourceType/flexibleServers/usages/";
        return Map.of("value", List.of(
                usage(base, "servers", "Servers", "Count", held.servers(), limits.servers()),
                usage(base, "cores", "vCores (a standby counts like its primary)", "Count", held.vCores(), limits.vCores()),
                usage(base, "storageGB", "Storage in GB (a standby counts like its primary)", "Count", held.storageGb(),
                        limits.storageGb())));
    }

    private static Map<String, Object> usage(String base, String name, String display, String unit, long current, long limit) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("name", Map.of("value", name, "localizedValue", display));
        u.put("limit", limit);
        u.put("unit", unit);
        u.put("currentValue", current);
        u.put("id", base + name);
        return u;
    }

    public record NameRequest(String name, String type) {
    }

    /** The location-scoped form (az CLI's {@code flexible-server create} asks it first): names are global here. */
    @POST
    @Path("/locations/{location}/checkNameAvailability")
    public Map<String, Object> checkNameAvailabilityIn(@PathParam("location") String location, NameRequest request) {
        return checkNameAvailability(request);
    }

    @POST
    @Path("/checkNameAvailability")
    public Map<String, Object> checkNameAvailability(NameRequest request) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        if (request == null || request.name() == null) {
            throw ArmException.badRequest("InvalidRequestContent", "name is required.", "name");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            ServerNames.check(request.name());
        } catch (ArmException e) {
            answer.put("nameAvailable", false);
            answer.put("reason", "Invalid");
            answer.put("message", e.getMessage());
            return answer;
        }
        boolean taken = ServerEntity.findByName(request.name()).isPresent();
        answer.put("nameAvailable", !taken);
        if (taken) {
            answer.put("reason", "AlreadyExists");
            answer.put("message", "The server name '" + request.name() + "' is already in use.");
        }
        return answer;
    }


    /** What can be created here: tiers with their SKUs, storage sizes, PostgreSQL versions the agents run. */
    @GET
    @Path("/locations/{location}/capabilities")
    public Map<String, Object> capabilities(@PathParam("location") String location) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        if (ApiVersions.before(apiVersion, ApiVersions.CAPABILITIES_V2)) {
            return Map.of("value", Capabilities.legacy(placement.offeredMajors(), placement.zones()));
        }
        return Map.of("value", List.of(Capabilities.of(location, placement.offeredMajors(), placement.zones(), null)));
    }
}
