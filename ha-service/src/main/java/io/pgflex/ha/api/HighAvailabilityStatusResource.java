package io.pgflex.ha.api;

import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.ha.monitor.Observations;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pgflex's addition under the server's path (the gateway routes it here): the server's HA as
 * ha-service sees it now, with the standby's replay lag as failover readiness.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}/highAvailabilityStatus")
@Produces(MediaType.APPLICATION_JSON)
public class HighAvailabilityStatusResource {
    private final TenantGuard guard;
    private final Observations monitor;

    public HighAvailabilityStatusResource(TenantGuard guard, Observations monitor) {
        this.guard = guard;
        this.monitor = monitor;
    }

    @GET
    public Map<String, Object> get(@PathParam("subscriptionId") String subscriptionId,
                                   @PathParam("resourceGroup") String resourceGroup, @PathParam("name") String name,
                                   @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        HaServer s = HaServer.<HaServer>find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name = ?3",
                subscriptionId, resourceGroup, name).firstResultOptional()
                .orElseThrow(() -> ArmException.notFound("The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name
                        + "' under resource group '" + resourceGroup + "' was not found."));
        ReplicationStatus.StandbyConnection c = s.standbyInstance == null ? null : monitor.standbySeen(s.serverId);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mode", s.haMode);
        props.put("state", s.haState.name());
        props.put("primaryAvailabilityZone", s.primaryZone);
        props.put("standbyAvailabilityZone", s.standbyZone);
        props.put("replicationState", c == null ? null : c.state());
        props.put("synchronous", c != null && "sync".equals(c.syncState()));
        props.put("standbyReplayLagBytes", c == null ? null : c.lagBytes());
        props.put("failoverReady", monitor.failoverReady(s));
        props.put("degradedReason", s.degradedReason);
        props.put("primaryAvailable", s.unavailableReason == null);
        props.put("unavailableReason", s.unavailableReason);
        props.put("failoverInProgress", s.step);
        props.put("lastFailoverAt", s.lastFailoverAt == null ? null : s.lastFailoverAt.toString());
        props.put("failovers", s.term);
        // what the failover decision last concluded, and why (FailoverDecision; absent before the first probe)
        monitor.lastDecision(s.serverId).ifPresent(d -> props.put("lastDecision", Map.of("action", d.decision().action().name(),
                "reason", d.decision().reason(), "at", d.at().toString())));
        props.put("primaryDownMillis", monitor.primaryDownMillis(s.serverId));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "/subscriptions/" + subscriptionId + "/resourceGroups/" + s.resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name + "/highAvailabilityStatus");
        out.put("name", "highAvailabilityStatus");
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/highAvailabilityStatus");
        out.put("properties", props);
        return out;
    }
}
