package io.pgflex.provisioning.capabilities;

import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * The operation groups of the flexible-server REST API that a self-hosted pgflex does not offer: each answers
 * 400 {@code FeatureNotOffered} with what is not offered and why — never a bare 404, which the SDKs and az CLI would
 * report as a missing server. The caller's subscription is checked first (a stranger learns nothing).
 */
@Path("/subscriptions/{subscriptionId}")
@Produces(MediaType.APPLICATION_JSON)
public class NotOfferedResource {
    static final String CODE = "FeatureNotOffered";

    /** Path segment below a server → what it is and why pgflex does not offer it. */
    static final java.util.TreeMap<String, String> SERVER_GROUPS = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        SERVER_GROUPS.putAll(Map.ofEntries(
            Map.entry("administrators", "Microsoft Entra administrators (servers authenticate with passwords only:"
                    + " authConfig.activeDirectoryAuth is Disabled)"),
            Map.entry("advancedThreatProtectionSettings", "Microsoft Defender threat protection"),
            Map.entry("migrations", "the migration service (migrate with pg_dump/pg_restore or logical replication"
                    + " to the server's endpoint)"),
            Map.entry("checkMigrationNameAvailability", "the migration service"),
            Map.entry("virtualendpoints", "virtual endpoints (the server's stable endpoint always leads to its primary)"),
            Map.entry("privateEndpointConnections", "Azure Private Link (servers are reached at their endpoint, guarded"
                    + " by firewall rules)"),
            Map.entry("privateLinkResources", "Azure Private Link"),
            Map.entry("tuningOptions", "index and configuration tuning recommendations"),
            Map.entry("ltrPreBackup", "long-term retention backups to Azure Backup vaults (backups follow"
                    + " backup.backupRetentionDays)"),
            Map.entry("startLtrBackup", "long-term retention backups to Azure Backup vaults"),
            Map.entry("ltrBackupOperations", "long-term retention backups to Azure Backup vaults"),
            Map.entry("ltrbackup", "long-term retention backups to Azure Backup vaults"),
            Map.entry("onlineResizeValidate", "online resize validation")));
    }
    private static final String SERVER = "resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/"
            + "{serverName}/{group: (?i)administrators|advancedThreatProtectionSettings|migrations|checkMigrationNameAvailability"
            + "|virtualendpoints|privateEndpointConnections|privateLinkResources|tuningOptions|ltrPreBackup"
            + "|startLtrBackup|ltrBackupOperations|ltrbackup|onlineResizeValidate}{rest: (/.*)?}";
    private static final String LOCATION = "providers/Microsoft.DBforPostgreSQL/locations/{location}/"
            + "{group: (?i)checkVirtualNetworkSubnetUsage}";

    private final TenantGuard guard;

    @PathParam("subscriptionId")
    String subscriptionId;
    @QueryParam("api-version")
    String apiVersion;

    public NotOfferedResource(TenantGuard guard) {
        this.guard = guard;
    }

    @GET
    @Path(SERVER)
    public Response get(@PathParam("group") String group) {
        return notOffered(SERVER_GROUPS.get(group));
    }

    @PUT
    @Path(SERVER)
    public Response put(@PathParam("group") String group) {
        return notOffered(SERVER_GROUPS.get(group));
    }

    @POST
    @Path(SERVER)
    public Response post(@PathParam("group") String group) {
        return notOffered(SERVER_GROUPS.get(group));
    }

    @PATCH
    @Path(SERVER)
    public Response patch(@PathParam("group") String group) {
        return notOffered(SERVER_GROUPS.get(group));
    }

    @DELETE
    @Path(SERVER)
    public Response delete(@PathParam("group") String group) {
        return notOffered(SERVER_GROUPS.get(group));
    }

    @POST
    @Path(LOCATION)
    public Response subnetUsage() {
        return notOffered("virtual network integration (servers are reached at their endpoint, guarded by firewall rules)");
    }

    /** The answer type of every route here: there is none, each throws. */
    public record Response() {
    }

    private Response notOffered(String what) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        throw ArmException.badRequest(CODE, "pgflex does not offer " + what + ".", null);
    }
}
