package io.pgflex.provisioning.configuration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.ParameterInfo;
import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ParameterPolicy;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.provisioning.operation.Operations;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.provisioning.server.ServerService;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server parameters ("configurations"): every parameter of the running server with its value,
 * default, allowed values and whether a change needs a restart; the user-modifiable ones can be set.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/configurations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConfigurationResource {
    private final ServerService servers;
    private final TenantGuard guard;
    private final AgentClients agents;
    private final ObjectMapper json;

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

    public ConfigurationResource(ServerService servers, TenantGuard guard, AgentClients agents, ObjectMapper json) {
        this.servers = servers;
        this.guard = guard;
        this.agents = agents;
        this.json = json;
    }

    public record ConfigurationRequest(Props properties) {
        public record Props(String value, String source) {
        }
    }

    @GET
    public Map<String, List<Map<String, Object>>> list() {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = running();
        Map<String, String> user = userParameters(server);
        return Map.of("value", agents.client(server.agentId).parameters(server.instanceId).stream()
                .map(p -> view(server, p, user)).toList());
    }

    @GET
    @Path("/{name}")
    public Map<String, Object> get(@PathParam("name") String name) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = running();
        return view(server, parameter(server, name), userParameters(server));
    }

    /** PATCH is what the SDKs' configurations update and az CLI's {@code parameter set} send: the same as PUT here. */
    @PATCH
    @Path("/{name}")
    @Transactional
    public Response patch(@PathParam("name") String name, ConfigurationRequest request) {
        return put(name, request);
    }

    /** Sets (or with source system-default, resets) a parameter; applied by reload, or by restart for static ones. */
    @PUT
    @Path("/{name}")
    @Transactional
    public Response put(@PathParam("name") String name, ConfigurationRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        ServerEntity server = servers.getForUpdate(subscriptionId, resourceGroup, serverName);
        boolean reset = request == null || request.properties() == null || request.properties().value() == null
                || "system-default".equals(request.properties().source());
        Map<String, String> user = new TreeMap<>(userParameters(server));
        String previous = server.parameters;
        ParameterInfo info = null;
        if (reset && user.containsKey(name)) {
            // a reset needs no running server: it is the way back from a value the server cannot start with
            user.remove(name);
        } else {
            info = parameter(running(server), name);
            if (reset) {
                if (!ParameterPolicy.modifiable(name)) {
                    ParameterPolicy.check(info, "");
                }
                user.remove(name);
            } else {
                ParameterPolicy.check(info, request.properties().value());
                if ("pgbouncer.enabled".equals(name) && ParameterPolicy.on(request.properties().value())
                        && "Burstable".equals(server.skuTier)) {
                    throw ArmException.badRequest("PgBouncerNotSupportedOnBurstable", "The built-in PgBouncer is offered"
                            + " on the General Purpose and Memory Optimized tiers, not on Burstable.", "properties.value");
                }
                user.put(name, request.properties().value().trim());
            }
        }
        try {
            server.parameters = json.writeValueAsString(user);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var accepted = servers.action(server, OperationKind.ApplyConfiguration,
                new OperationDetail.ApplyConfiguration(name, previous, false));
        Response.ResponseBuilder answer = Operations.withHeaders(Response.accepted(), accepted.operation(), uri);
        return (info == null ? answer : answer.entity(view(server, info, user))).build();
    }

    private ParameterInfo parameter(ServerEntity server, String name) {
        return agents.client(server.agentId).parameters(server.instanceId).stream().filter(p -> p.name().equals(name))
                .findFirst().orElseThrow(() -> ArmException.notFound("The server parameter '" + name + "' does not exist."));
    }

    private ServerEntity running() {
        return running(servers.get(subscriptionId, resourceGroup, serverName));
    }

    private ServerEntity running(ServerEntity server) {
        if (server.state != ServerState.Ready || server.agentId == null) {
            throw new ArmException(409, "ServerNotInExpectedState", "Server '" + serverName + "' is " + server.state
                    + "; its parameters can be read and set while it is Ready.", null);
        }
        return server;
    }

    private Map<String, String> userParameters(ServerEntity server) {
        try {
            return json.readValue(server.parameters, new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Where a parameter is documented: PgBouncer's configuration page at its anchor for pgbouncer.* ones, else a
     * search of the PostgreSQL documentation of the server's major for the parameter (the search lists the
     * parameter's own entry first; a direct anchor would need the page of each of ~350 parameters).
     */
    static String documentationLink(String name, String major) {
        if (name.startsWith("pgbouncer.")) {
            return "https://www.pgbouncer.org/config.html#" + name.substring("pgbouncer.".length());
        }
        return "https://www.postgresql.org/search/?u=%2Fdocs%2F" + major + "%2F&q=" + name;
    }

    static Map<String, Object> view(ServerEntity server, ParameterInfo p, Map<String, String> user) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("value", user.getOrDefault(p.name(), p.value()));
        props.put("description", p.description());
        props.put("defaultValue", p.defaultValue());
        props.put("dataType", switch (p.dataType()) {
            case "bool" -> "Boolean";
            case "integer" -> "Integer";
            case "real" -> "Numeric";
            case "enum" -> "Enumeration";
            default -> "String";
        });
        props.put("allowedValues", p.allowedValues().isEmpty()
                ? (p.minValue() == null ? "" : p.minValue() + "-" + p.maxValue()) : String.join(",", p.allowedValues()));
        props.put("source", user.containsKey(p.name()) ? "user-override" : "system-default");
        props.put("isDynamicConfig", !"postmaster".equals(p.context()));
        props.put("isReadOnly", !ParameterPolicy.modifiable(p.name()));
        props.put("unit", p.unit());
        // set in the configuration files, taking effect only at a restart: as the instance reports it (pg_settings)
        props.put("isConfigPendingRestart", p.pendingRestart());
        props.put("documentationLink", documentationLink(p.name(), server.version));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", server.resourceId() + "/configurations/" + p.name());
        v.put("name", p.name());
        v.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/configurations");
        v.put("properties", props);
        return v;
    }
}
