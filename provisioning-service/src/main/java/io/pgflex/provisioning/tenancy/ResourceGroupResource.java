package io.pgflex.provisioning.tenancy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resource groups ({@code Microsoft.Resources}) as far as clients need them around servers: az CLI
 * checks for the group and creates it before a server. A group exists when it was created here or
 * holds servers (pgflex's groups were implicit before: a server may name a group never created).
 * Deleting a group that holds servers is refused: ARM would delete them with it, pgflex asks for
 * that to be done server by server. The api-version is the Resources API's: any is taken.
 */
@Path("/subscriptions/{subscriptionId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ResourceGroupResource {
    static final Pattern NAME = Pattern.compile("^[-\\w._()]{1,90}$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantGuard guard;
    private final Clock clock;

    static final String GROUP = "/{resourceGroups: (?i)resourcegroups}/{resourceGroup}";

    @PathParam("subscriptionId")
    String subscriptionId;
    @PathParam("resourceGroup")
    String resourceGroup;
    @QueryParam("api-version")
    String apiVersion;

    public ResourceGroupResource(TenantGuard guard, Clock clock) {
        this.guard = guard;
        this.clock = clock;
    }

    public record GroupRequest(String location, Map<String, String> tags) {
    }

    @HEAD
    @Path(GROUP)
    public Response exists() {
        requireVersion();
        guard.read(subscriptionId);
        return Response.status(find() != null || holdsServers() ? 204 : 404).build();
    }

    @GET
    @Path(GROUP)
    public Map<String, Object> get() {
        requireVersion();
        guard.read(subscriptionId);
        ResourceGroupEntity g = find();
        if (g == null && !holdsServers()) {
            throw notFound();
        }
        return g != null ? view(g.name, g.location, tags(g.tags)) : view(resourceGroup, serversLocation(), Map.of());
    }

    @PUT
    @Path(GROUP)
    @Transactional
    public Response createOrUpdate(GroupRequest request) {
        requireVersion();
        guard.write(subscriptionId);
        if (!NAME.matcher(resourceGroup).matches() || resourceGroup.endsWith(".")) {
            throw ArmException.badRequest("InvalidResourceGroupName", "A resource group name has 1 to 90 letters, digits,"
                    + " '-', '_', '.', '(' and ')', and does not end with '.'.", "resourceGroupName");
        }
        if (request == null || request.location() == null || request.location().isBlank()) {
            throw ArmException.badRequest(ErrorCodes.INVALID_PARAMETER_VALUE, "location is required.", "location");
        }
        ResourceGroupEntity g = ResourceGroupEntity.findById(new ResourceGroupEntity.Key(subscriptionId, resourceGroup),
                jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        boolean created = g == null;
        if (created) {
            g = new ResourceGroupEntity();
            g.key = new ResourceGroupEntity.Key(subscriptionId, resourceGroup);
            g.name = resourceGroup;
            g.location = request.location();
            g.createdAt = clock.instant();
        } else if (!g.location.equalsIgnoreCase(request.location())) {
            throw new ArmException(409, "InvalidResourceGroupLocation", "Resource group '" + g.name + "' already exists in"
                    + " location '" + g.location + "'; a group's location cannot change.", null);
        }
        g.tags = json(request.tags() == null ? Map.of() : request.tags());
        if (created) {
            g.persist();
        }
        return Response.status(created ? 201 : 200).entity(view(g.name, g.location, tags(g.tags))).build();
    }

    @DELETE
    @Path(GROUP)
    @Transactional
    public Response delete() {
        requireVersion();
        guard.write(subscriptionId);
        if (holdsServers()) {
            throw new ArmException(409, "ResourceGroupNotEmpty", "Resource group '" + resourceGroup + "' holds servers;"
                    + " delete them first (pgflex does not delete a group's servers with it).", null);
        }
        ResourceGroupEntity g = find();
        if (g == null) {
            return Response.noContent().build();
        }
        g.delete();
        return Response.ok().build();
    }

    private ResourceGroupEntity find() {
        return ResourceGroupEntity.findById(new ResourceGroupEntity.Key(subscriptionId, resourceGroup));
    }

    private boolean holdsServers() {
        return ServerEntity.count("subscriptionId = ?1 and lower(resourceGroup) = lower(?2)", subscriptionId, resourceGroup) > 0;
    }

    private String serversLocation() {
        return ServerEntity.<ServerEntity>find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) order by createdAt",
                subscriptionId, resourceGroup).firstResultOptional().map(s -> s.location).orElse(null);
    }

    private void requireVersion() {
        if (apiVersion == null || apiVersion.isBlank()) {
            throw ArmException.badRequest(ErrorCodes.MISSING_API_VERSION, "The api-version query parameter (?api-version=) is"
                    + " required for all requests.", null);
        }
    }

    private ArmException notFound() {
        return new ArmException(404, "ResourceGroupNotFound", "Resource group '" + resourceGroup + "' could not be found.",
                null);
    }

    private Map<String, Object> view(String name, String location, Map<String, String> tags) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "/subscriptions/" + subscriptionId + "/resourceGroups/" + name);
        out.put("name", name);
        out.put("type", "Microsoft.Resources/resourceGroups");
        out.put("location", location);
        out.put("tags", tags);
        out.put("properties", Map.of("provisioningState", "Succeeded"));
        return out;
    }

    private static String json(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> tags(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
