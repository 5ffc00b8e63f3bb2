package io.pgflex.provisioning.database;

import io.pgflex.contracts.agent.Collations;
import io.pgflex.contracts.agent.DatabaseSpec;
import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.provisioning.model.OperationKind;
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
import java.util.Set;
import java.util.regex.Pattern;

/** Databases of a server: read live from its instance; created and dropped through operations. */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/databases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DatabaseResource {
    static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$");
    static final Set<String> SYSTEM = Set.of("postgres", "template0", "template1", "azure_maintenance", "azure_sys");
    static final Set<String> CHARSETS = Set.of("UTF8", "UTF-8", "LATIN1", "SQL_ASCII", "WIN1252");

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

    public DatabaseResource(ServerService servers, TenantGuard guard, AgentClients agents) {
        this.servers = servers;
        this.guard = guard;
        this.agents = agents;
    }

    public record DatabaseRequest(Props properties) {
        public record Props(String charset, String collation) {
        }
    }

    @PUT
    @Path("/{database}")
    @Transactional
    public Response create(@PathParam("database") String database, DatabaseRequest request) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        validateName(database);
        String charset = request == null || request.properties() == null || request.properties().charset() == null ? "UTF8"
                : request.properties().charset();
        String collation = request == null || request.properties() == null ? null : request.properties().collation();
        if (!CHARSETS.contains(charset.toUpperCase())) {
            throw ArmException.badRequest("InvalidCharset", "Character set '" + charset + "' is not offered; use one of "
                    + CHARSETS + ".", "properties.charset");
        }
        if (collation != null && !collation.matches("^[A-Za-z0-9_.@-]{1,64}$")) {
            throw ArmException.badRequest("InvalidCollation", "Collation '" + collation + "' is not valid.", "properties.collation");
        }
        boolean utf8 = charset.equalsIgnoreCase("UTF8") || charset.equalsIgnoreCase("UTF-8");
        if (collation != null && utf8) {
            checkCollation(servers.get(subscriptionId, resourceGroup, serverName), collation);
        }
        ServerEntity server = servers.getForUpdate(subscriptionId, resourceGroup, serverName);
        var accepted = servers.action(server, OperationKind.CreateDatabase,
                new OperationDetail.Database(database, charset.toUpperCase().replace("UTF-8", "UTF8"), collation));
        return Operations.withHeaders(Response.accepted(), accepted.operation(), uri).build();
    }

    @GET
    public Map<String, List<Map<String, Object>>> list() {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = running();
        return Map.of("value", agents.client(server.agentId).databases(server.instanceId).stream()
                .map(d -> view(server, d)).toList());
    }

    @GET
    @Path("/{database}")
    public Map<String, Object> get(@PathParam("database") String database) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        ServerEntity server = running();
        return agents.client(server.agentId).databases(server.instanceId).stream().filter(d -> d.name().equals(database))
                .findFirst().map(d -> view(server, d))
                .orElseThrow(() -> ArmException.notFound("The database '" + database + "' of server '" + serverName
                        + "' was not found."));
    }

    @DELETE
    @Path("/{database}")
    @Transactional
    public Response delete(@PathParam("database") String database) {
        ApiVersions.require(apiVersion);
        guard.write(subscriptionId);
        validateName(database);
        ServerEntity server = servers.getForUpdate(subscriptionId, resourceGroup, serverName);
        var accepted = servers.action(server, OperationKind.DropDatabase, new OperationDetail.Database(database, null, null));
        return Operations.withHeaders(Response.accepted(), accepted.operation(), uri).build();
    }

    /**
     * A collation the running instance does not offer is a 400 now, not a failed operation later; judged by the same
     * rule the agent creates the database with ({@link Collations#choose}). Asked before the server's row is locked;
     * when the instance cannot be asked (stopped, agent away) the operation judges it when it runs.
     */
    private void checkCollation(ServerEntity server, String collation) {
        if (server.state != ServerState.Ready || server.agentId == null) {
            return;
        }
        Collations offered;
        try {
            offered = agents.client(server.agentId).collations(server.instanceId);
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(DatabaseResource.class).warnf("server %s: could not ask agent %s for its"
                    + " collations (%s): the create operation checks the collation", serverName, server.agentId, e.toString());
            return;
        }
        if (offered.choose(collation).isEmpty()) {
            throw ArmException.badRequest("InvalidCollation", "Collation '" + collation + "' is not offered by server '"
                    + serverName + "'; it offers " + sample(offered.offered()) + ".", "properties.collation");
        }
    }

    /** The offered collations for an error message: the common ones first, at most 12 named. */
    static String sample(List<String> offered) {
        List<String> first = new java.util.ArrayList<>(offered.stream()
                .filter(c -> List.of("c", "c.utf8", "posix", "en_us.utf8").contains(c.toLowerCase(java.util.Locale.ROOT))).toList());
        offered.stream().filter(c -> !first.contains(c)).limit(Math.max(0, 12 - first.size())).forEach(first::add);
        return String.join(", ", first) + (offered.size() > first.size() ? " and " + (offered.size() - first.size()) + " more" : "");
    }

    private ServerEntity running() {
        ServerEntity server = servers.get(subscriptionId, resourceGroup, serverName);
        if (server.state != ServerState.Ready || server.agentId == null) {
            throw new ArmException(409, "ServerNotInExpectedState", "Server '" + serverName + "' is " + server.state
                    + "; its databases can be read while it is Ready.", null);
        }
        return server;
    }

    static void validateName(String database) {
        if (!NAME.matcher(database).matches()) {
            throw ArmException.badRequest("InvalidDatabaseName", "A database name is 1 to 63 characters: letters, digits,"
                    + " underscores, dollar signs or hyphens, not starting with a digit.", "name");
        }
        if (SYSTEM.contains(database.toLowerCase())) {
            throw ArmException.badRequest("CannotModifySystemDatabase", "'" + database + "' is a system database.", "name");
        }
    }

    static Map<String, Object> view(ServerEntity server, DatabaseSpec d) {
        return Map.of("id", server.resourceId() + "/databases/" + d.name(), "name", d.name(),
                "type", "Microsoft.DBforPostgreSQL/flexibleServers/databases",
                "properties", Map.of("charset", d.charset(), "collation", d.collation()));
    }
}
