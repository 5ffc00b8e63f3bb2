package io.pgflex.provisioning.tenancy;

import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARM's subscription list ({@code Microsoft.Resources}) as far as pgflex has subscriptions: those the
 * caller's token names. Clients look here after signing in (az CLI's {@code az login} stores them as
 * its accounts); the api-version is the Resources API's, not flexible server's, so any is taken.
 */
@Path("/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionsResource {
    private final TenantGuard guard;

    public SubscriptionsResource(TenantGuard guard) {
        this.guard = guard;
    }

    @GET
    public Map<String, Object> list(@QueryParam("api-version") String apiVersion) {
        requireVersion(apiVersion);
        String tenant = guard.tenant();
        List<Map<String, Object>> value = guard.subscriptions().keySet().stream().map(s -> view(s, tenant)).toList();
        return Map.of("value", value);
    }

    @GET
    @Path("/{subscriptionId}")
    public Map<String, Object> get(@PathParam("subscriptionId") String subscriptionId, @QueryParam("api-version") String apiVersion) {
        requireVersion(apiVersion);
        guard.read(subscriptionId); // 404 SubscriptionNotFound for one the token does not name
        return view(subscriptionId, guard.tenant());
    }

    private static void requireVersion(String apiVersion) {
        if (apiVersion == null || apiVersion.isBlank()) {
            throw ArmException.badRequest(ErrorCodes.MISSING_API_VERSION, "The api-version query parameter (?api-version=) is"
                    + " required for all requests.", null);
        }
    }

    private static Map<String, Object> view(String subscriptionId, String tenant) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", "/subscriptions/" + subscriptionId);
        s.put("authorizationSource", "RoleBased");
        s.put("subscriptionId", subscriptionId);
        if (tenant != null) {
            s.put("tenantId", tenant);
        }
        s.put("displayName", subscriptionId);
        s.put("state", "Enabled");
        s.put("subscriptionPolicies", Map.of("locationPlacementId", "Public_2014-09-01", "quotaId", "pgflex",
                "spendingLimit", "Off"));
        return s;
    }
}
