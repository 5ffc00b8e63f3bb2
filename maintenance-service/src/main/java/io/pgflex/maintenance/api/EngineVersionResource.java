package io.pgflex.maintenance.api;

import io.pgflex.maintenance.catalogue.Catalogue;
import io.pgflex.maintenance.catalogue.EngineVersion;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine catalogue, for platform operators only: every minor the node agents can run and the current one per
 * major; {@code PUT …/engineVersions/16.16 {"properties": {"current": true, "releaseNotes": "…"}}} publishes a minor as
 * current, which makes every server of that major on an older minor due for maintenance.
 */
@Path("/providers/Microsoft.DBforPostgreSQL/engineVersions")
@Produces(MediaType.APPLICATION_JSON)
public class EngineVersionResource {
    private final TenantGuard guard;
    private final Catalogue catalogue;

    public EngineVersionResource(TenantGuard guard, Catalogue catalogue) {
        this.guard = guard;
        this.catalogue = catalogue;
    }

    @GET
    public Map<String, Object> list(@QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.operator();
        return Map.of("value", catalogue.entries().stream().map(EngineVersionResource::body).toList());
    }

    @PUT
    @Path("/{version}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> publish(@PathParam("version") String version, @QueryParam("api-version") String apiVersion,
                                       Map<String, Object> body) {
        ApiVersions.require(apiVersion);
        TenantGuard.Caller caller = guard.operator();
        Object props = body == null ? null : body.get("properties");
        Map<?, ?> p = props instanceof Map<?, ?> m ? m : Map.of();
        if (!Boolean.TRUE.equals(p.get("current"))) {
            throw io.pgflex.support.errors.ArmException.badRequest("InvalidRequestContent",
                    "Only publishing a minor as current is supported: properties.current must be true.", "properties.current");
        }
        Object notes = p.get("releaseNotes");
        EngineVersion v = catalogue.publish(version, notes == null ? null : notes.toString(), caller.id());
        return catalogue.entries().stream().filter(e -> e.version().equals(v.version)).findFirst()
                .map(EngineVersionResource::body).orElseThrow();
    }

    private static Map<String, Object> body(Catalogue.Entry e) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("major", e.major());
        p.put("minor", e.minor());
        p.put("current", e.current());
        p.put("installedOn", e.agents());
        p.put("releaseNotes", e.releaseNotes());
        p.put("publishedAt", e.publishedAt());
        p.put("publishedBy", e.publishedBy());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "/providers/Microsoft.DBforPostgreSQL/engineVersions/" + e.version());
        out.put("name", e.version());
        out.put("type", "Microsoft.DBforPostgreSQL/engineVersions");
        out.put("properties", p);
        return out;
    }
}
