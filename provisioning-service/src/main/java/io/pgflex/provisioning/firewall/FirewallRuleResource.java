package io.pgflex.provisioning.firewall;

import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.operation.Operations;
import io.pgflex.provisioning.server.ServerService;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.util.regex.Pattern;

/**
 * Firewall rules: IPv4 ranges allowed to connect. Applied to the instance's pg_hba by a reload (no
 * restart); with public network access Disabled no rule admits anyone.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/firewallRules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FirewallRuleResource {
    static final Pattern RULE_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,128}$");
    static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

    private final ServerService servers;
    private final TenantGuard guard;

    @PathParam("subscriptionId")
    String subscriptionId;
    @PathParam("resourceGroup")
    String resourceGroup;
    @PathParam("serverName")
    String serverName;
    @QueryParam("api-version")
    String apiVersion;
    @Context
    UriInfo uri;

    public FirewallRuleResource(ServerService servers, TenantGuard guard) {
        this.servers = servers;
        this.guard = guard;
    }

    public record RuleRequest(Props properties) {
        public record Props(String startIpAddress, String endIpAddress) {
        }
    }

    @PUT
    @Path("/{ruleName}")
    @Transactional
    public Response put(@PathParam("ruleName") String ruleName, RuleRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        validate(ruleName, request);
        ServerEntity server = servers.getForUpdate(subscriptionId, resourceGroup, serverName);
        FirewallRuleEntity rule = FirewallRuleEntity.findById(new FirewallRuleEntity.Key(server.id, ruleName));
        boolean created = rule == null;
        if (created) {
            rule = new FirewallRuleEntity();
            rule.key = new FirewallRuleEntity.Key(server.id, ruleName);
        }
        rule.startIp = request.properties().startIpAddress();
        rule.endIp = request.properties().endIpAddress();
        rule.persist();
        var accepted = servers.action(server, OperationKind.ApplyFirewall, new OperationDetail.Firewall(ruleName, false));
        return Operations.withHeaders(Response.status(created ? 201 : 200), accepted.operation(), uri)
                .entity(view(server, rule)).build();
    }

    @GET
    @Path("/{ruleName}")
    public Map<String, Object> get(@PathParam("ruleName") String ruleName) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = servers.get(subscriptionId, resourceGroup, serverName);
        FirewallRuleEntity rule = FirewallRuleEntity.findById(new FirewallRuleEntity.Key(server.id, ruleName));
        if (rule == null) {
            throw ArmException.notFound("The firewall rule '" + ruleName + "' of server '" + serverName + "' was not found.");
        }
        return view(server, rule);
    }

    @GET
    public Map<String, List<Map<String, Object>>> list() {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = servers.get(subscriptionId, resourceGroup, serverName);
        return Map.of("value", FirewallRuleEntity.ofServer(server.id).stream().map(r -> view(server, r)).toList());
    }

    @DELETE
    @Path("/{ruleName}")
    @Transactional
    public Response delete(@PathParam("ruleName") String ruleName) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        ServerEntity server = servers.getForUpdate(subscriptionId, resourceGroup, serverName);
        FirewallRuleEntity rule = FirewallRuleEntity.findById(new FirewallRuleEntity.Key(server.id, ruleName));
        if (rule == null) {
            return Response.noContent().build();
        }
        rule.delete();
        var accepted = servers.action(server, OperationKind.ApplyFirewall, new OperationDetail.Firewall(ruleName, true));
        return Operations.withHeaders(Response.accepted(), accepted.operation(), uri).build();
    }

    static void validate(String ruleName, RuleRequest request) {
        if (!RULE_NAME.matcher(ruleName).matches()) {
            throw ArmException.badRequest("InvalidFirewallRuleName", "A firewall rule name is 1 to 128 letters, digits,"
                    + " hyphens or underscores.", "name");
        }
        if (request == null || request.properties() == null) {
            throw ArmException.badRequest("InvalidRequestContent", "properties.startIpAddress and endIpAddress are required.",
                    "properties");
        }
        String start = request.properties().startIpAddress();
        String end = request.properties().endIpAddress();
        for (String[] ip : new String[][] {{start, "properties.startIpAddress"}, {end, "properties.endIpAddress"}}) {
            if (ip[0] == null || !IPV4.matcher(ip[0]).matches()) {
                throw ArmException.badRequest("InvalidIpAddress", "'" + ip[0] + "' is not an IPv4 address.", ip[1]);
            }
        }
        if (toLong(start) > toLong(end)) {
            throw ArmException.badRequest("InvalidIpAddressRange", "The start address " + start + " is after the end address "
                    + end + ".", "properties.startIpAddress");
        }
    }

    static long toLong(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    static Map<String, Object> view(ServerEntity server, FirewallRuleEntity rule) {
        return Map.of("id", server.resourceId() + "/firewallRules/" + rule.key.name, "name", rule.key.name,
                "type", "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
                "properties", Map.of("startIpAddress", rule.startIp, "endIpAddress", rule.endIp));
    }
}
