package io.pgflex.provisioning.capabilities;

import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource provider's operations (operations.list in the SDKs; what role definitions are written against): the
 * ARM actions on the flexible-server resource types pgflex serves (pgflex's own extensions, such as alert rules and
 * maintenance, are not listed). Needs an API token like every route, and no subscription.
 */
@Path("/providers/Microsoft.DBforPostgreSQL")
@Produces(MediaType.APPLICATION_JSON)
public class ProviderOperationsResource {
    static final String PROVIDER = "Microsoft.DBforPostgreSQL";

    /** resource type (below the provider), its display name, and the verbs served on it. */
    private record Type(String type, String display, List<String> verbs) {
    }

    private static final List<Type> TYPES = List.of(
            new Type("flexibleServers", "Flexible server", List.of("read", "write", "delete", "start/action",
                    "stop/action", "restart/action")),
            new Type("flexibleServers/databases", "Database", List.of("read", "write", "delete")),
            new Type("flexibleServers/firewallRules", "Firewall rule", List.of("read", "write", "delete")),
            new Type("flexibleServers/configurations", "Server parameter", List.of("read", "write")),
            new Type("flexibleServers/backups", "Backup", List.of("read", "write", "delete")),
            new Type("flexibleServers/capabilities", "Capabilities of a server", List.of("read")),
            new Type("flexibleServers/replicas", "Read replicas", List.of("read")),
            new Type("flexibleServers/highAvailabilityStatus", "High availability status", List.of("read")),
            new Type("flexibleServers/providers/Microsoft.Insights/metrics", "Metrics", List.of("read")),
            new Type("locations/capabilities", "Capabilities of a location", List.of("read")),
            new Type("locations/checkNameAvailability", "Name availability", List.of("action")),
            new Type("locations/azureAsyncOperation", "Operation status", List.of("read")),
            new Type("locations/operationResults", "Operation result", List.of("read")),
            new Type("checkNameAvailability", "Name availability", List.of("action")),
            new Type("operations", "Operations", List.of("read")));

    private final TenantGuard guard;

    @QueryParam("api-version")
    String apiVersion;

    public ProviderOperationsResource(TenantGuard guard) {
        this.guard = guard;
    }

    /** Private DNS zones belong to virtual network integration, which pgflex does not offer. */
    @jakarta.ws.rs.POST
    @Path("/getPrivateDnsZoneSuffix")
    public Map<String, Object> privateDnsZoneSuffix() {
        ApiVersions.require(apiVersion);
        guard.authenticated();
        throw io.pgflex.support.errors.ArmException.badRequest(NotOfferedResource.CODE, "pgflex does not offer private DNS"
                + " zones (virtual network integration): servers are reached at their endpoint, guarded by firewall rules.", null);
    }

    @GET
    @Path("/operations")
    public Map<String, Object> list() {
        ApiVersions.require(apiVersion);
        guard.authenticated();
        List<Map<String, Object>> value = new ArrayList<>();
        for (Type t : TYPES) {
            for (String verb : t.verbs()) {
                Map<String, Object> display = new LinkedHashMap<>();
                display.put("provider", "pgflex (Azure Database for PostgreSQL flexible server API)");
                display.put("resource", t.display());
                display.put("operation", describe(verb) + " " + t.display().toLowerCase());
                display.put("description", describe(verb) + " " + t.display().toLowerCase() + " (" + t.type() + ")");
                Map<String, Object> op = new LinkedHashMap<>();
                op.put("name", PROVIDER + "/" + t.type() + "/" + verb);
                op.put("display", display);
                op.put("isDataAction", false);
                op.put("origin", "user,system");
                value.add(op);
            }
        }
        return Map.of("value", value);
    }

    private static String describe(String verb) {
        return switch (verb) {
            case "read" -> "Read";
            case "write" -> "Create or update";
            case "delete" -> "Delete";
            case "action" -> "Check";
            default -> "Run " + verb.substring(0, verb.indexOf('/'));
        };
    }
}
