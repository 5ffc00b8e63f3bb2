package io.pgflex.monitoring.alerts;

import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A server's metric alert rules, {@code …/flexibleServers/{name}/alertRules/{ruleName}}: PUT
 * (create 201 / change 200), GET one or all (with where each stands), DELETE.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}/alertRules")
@Produces(MediaType.APPLICATION_JSON)
public class AlertRuleResource {
    private final TenantGuard guard;
    private final AlertRuleService service;

    public AlertRuleResource(TenantGuard guard, AlertRuleService service) {
        this.guard = guard;
        this.service = service;
    }

    @GET
    public Map<String, Object> list(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                    @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MonitoredServer s = MonitoredServer.require(sub, rg, name);
        return Map.of("value", service.list(sub, rg, name).stream().map(r -> body(s, r)).toList());
    }

    @GET
    @Path("/{rule}")
    public Map<String, Object> get(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                   @PathParam("name") String name, @PathParam("rule") String rule,
                                   @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        return body(MonitoredServer.require(sub, rg, name), service.get(sub, rg, name, rule));
    }

    @PUT
    @Path("/{rule}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                        @PathParam("name") String name, @PathParam("rule") String rule,
                        @QueryParam("api-version") String apiVersion, AlertRuleRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        AlertRuleService.Saved saved = service.put(sub, rg, name, rule, request);
        return Response.status(saved.created() ? 201 : 200).entity(body(MonitoredServer.require(sub, rg, name), saved.rule())).build();
    }

    @DELETE
    @Path("/{rule}")
    public Response delete(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                           @PathParam("name") String name, @PathParam("rule") String rule,
                           @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        return service.delete(sub, rg, name, rule) ? Response.ok().build() : Response.noContent().build();
    }

    static Map<String, Object> body(MonitoredServer s, AlertRule r) {
        Map<String, Object> criteria = new LinkedHashMap<>();
        criteria.put("metricName", r.metric);
        criteria.put("operator", r.operator.name());
        criteria.put("threshold", r.threshold);
        criteria.put("timeAggregation", r.aggregation);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", r.state.name());
        status.put("lastValue", r.lastValue);
        status.put("lastEvaluatedAt", r.lastEvaluatedAt == null ? null : r.lastEvaluatedAt.toString());
        status.put("firedAt", r.firedAt == null ? null : r.firedAt.toString());
        status.put("resolvedAt", r.resolvedAt == null ? null : r.resolvedAt.toString());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("description", r.description);
        props.put("severity", r.severity);
        props.put("enabled", r.enabled);
        props.put("evaluationFrequency", Duration.ofSeconds(r.frequencySeconds).toString());
        props.put("windowSize", Duration.ofSeconds(r.windowSeconds).toString());
        props.put("criteria", criteria);
        props.put("actions", r.webhookUrl == null ? Map.of() : Map.of("webhookUrl", r.webhookUrl));
        props.put("status", status);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.resourceId() + "/alertRules/" + r.name);
        out.put("name", r.name);
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/alertRules");
        out.put("properties", props);
        return out;
    }
}
