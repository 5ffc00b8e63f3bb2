package io.pgflex.provisioning.server;

import io.pgflex.contracts.agent.LogFileInfo;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captured logs, Azure's {@code flexibleServers/logFiles}: the PostgreSQL log files of the server's
 * primary instance (one per weekday, kept a week), each with a {@code url} to download it. The url is
 * pgflex's {@code …/logFiles/{name}/content} behind the same API: it needs the same bearer token
 * (Reader suffices) rather than being a pre-signed link.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/logFiles")
public class LogFileResource {
    private final ServerService servers;
    private final TenantGuard guard;
    private final AgentClients agents;

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

    public LogFileResource(ServerService servers, TenantGuard guard, AgentClients agents) {
        this.servers = servers;
        this.guard = guard;
        this.agents = agents;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> list() {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = placed();
        List<LogFileInfo> files;
        try {
            files = agents.client(server.agentId).logFiles(server.instanceId);
        } catch (WebApplicationException | jakarta.ws.rs.ProcessingException e) {
            throw unavailable(server, e);
        }
        return Map.of("value", files.stream().map(f -> view(server, f)).toList());
    }

    /** The file's content as it is now, plain text. */
    @GET
    @Path("/{file}/content")
    @Produces(MediaType.TEXT_PLAIN)
    public Response content(@PathParam("file") String file) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = placed();
        InputStream in;
        try {
            in = agents.client(server.agentId).logFile(server.instanceId, file);
        } catch (WebApplicationException e) {
            if (e.getResponse() != null && e.getResponse().getStatus() == 404) {
                throw ArmException.notFound("Server '" + serverName + "' has no log file '" + file + "'.");
            }
            throw unavailable(server, e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw unavailable(server, e);
        }
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private ServerEntity placed() {
        ServerEntity server = servers.get(subscriptionId, resourceGroup, serverName);
        if (server.agentId == null || server.instanceId == null) {
            throw new ArmException(409, "ServerNotInExpectedState", "Server '" + serverName + "' is " + server.state
                    + " and has no instance yet; its log files can be read once it has.", null);
        }
        return server;
    }

    private ArmException unavailable(ServerEntity server, RuntimeException e) {
        org.jboss.logging.Logger.getLogger(LogFileResource.class).warnf("server %s: log files of agent %s not read: %s",
                serverName, server.agentId, e.toString());
        return new ArmException(503, "ServiceUnavailable", "The host of server '" + serverName + "' does not answer now;"
                + " try again shortly.", null);
    }

    private Map<String, Object> view(ServerEntity server, LogFileInfo f) {
        String id = server.resourceId() + "/logFiles/" + f.name();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("createdTime", f.createdAt().toString());
        props.put("lastModifiedTime", f.lastModifiedAt().toString());
        props.put("sizeInKb", (f.sizeBytes() + 1023) / 1024);
        props.put("type", "LOG");
        props.put("url", uri.getBaseUri().resolve(id.substring(1) + "/content") + "?api-version=" + apiVersion);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", f.name());
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/logFiles");
        out.put("properties", props);
        return out;
    }
}
