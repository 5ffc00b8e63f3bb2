package io.pgflex.backup.api;

import io.pgflex.backup.backup.BackupEntity;
import io.pgflex.backup.backup.BackupOperation;
import io.pgflex.backup.backup.BackupService;
import io.pgflex.backup.drill.RestoreDrills;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.support.arm.AsyncOperations;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's backups, Azure's {@code flexibleServers/backups} shape: list and get (automatic and
 * on-demand), PUT for an on-demand backup and DELETE of one (long-running, polled at
 * {@link BackupOperationResource}); pgflex adds verify and drill
 * actions and {@code …/backupStatus} (earliest restore point, WAL archive continuity).
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {
    private final TenantGuard guard;
    private final BackupService service;
    private final RestoreDrills drills;
    private final Clock clock;

    public BackupResource(TenantGuard guard, BackupService service, RestoreDrills drills, Clock clock) {
        this.guard = guard;
        this.service = service;
        this.drills = drills;
        this.clock = clock;
    }

    @GET
    @Path("/backups")
    public Map<String, Object> list(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                    @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        BackupPolicy p = service.server(sub, rg, name);
        List<Map<String, Object>> value = service.backups(p).stream().map(b -> body(p, b)).toList();
        return Map.of("value", value);
    }

    @GET
    @Path("/backups/{backup}")
    public Map<String, Object> get(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                   @PathParam("name") String name, @PathParam("backup") String backup,
                                   @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        BackupPolicy p = service.server(sub, rg, name);
        return body(p, service.backup(p, backup));
    }

    /**
     * An on-demand backup, as Azure's long-running PUT: 202 with {@code Azure-AsyncOperation} and
     * {@code Location} to poll until the backup has completed (it may first wait for a running one);
     * 200 when that backup exists (202 with its operation while it still runs).
     */
    @PUT
    @Path("/backups/{backup}")
    public Response create(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                           @PathParam("name") String name, @PathParam("backup") String backup,
                           @QueryParam("api-version") String apiVersion, @Context UriInfo uri) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        BackupService.Outcome created = service.onDemand(sub, rg, name, backup);
        BackupPolicy p = service.server(sub, rg, name);
        return polled(Response.status(created.operation() != null ? 202 : 200).entity(body(p, created.backup())),
                created, uri);
    }

    /**
     * Deletes an on-demand backup, as Azure's long-running DELETE: 202 with the operation to poll
     * while its files are removed; 200 for a queued one (removed at once), 204 when there is none.
     */
    @DELETE
    @Path("/backups/{backup}")
    public Response delete(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                           @PathParam("name") String name, @PathParam("backup") String backup,
                           @QueryParam("api-version") String apiVersion, @Context UriInfo uri) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        BackupService.Outcome deleted = service.delete(sub, rg, name, backup);
        if (deleted.operation() != null) {
            return polled(Response.accepted(), deleted, uri);
        }
        return deleted.backup() == null && deleted.isNew() ? Response.ok().build() : Response.noContent().build();
    }

    /** Adds the operation's polling headers, absolute and with the request's api-version, as ARM clients follow them. */
    private static Response polled(Response.ResponseBuilder response, BackupService.Outcome outcome, UriInfo uri) {
        BackupOperation op = outcome.operation();
        if (op == null) {
            return response.build();
        }
        return AsyncOperations.polled(response, uri, BackupOperationResource.statusPath(op.subscriptionId, outcome.location(), op.id),
                BackupOperationResource.resultPath(op.subscriptionId, outcome.location(), op.id)).build();
    }

    @POST
    @Path("/backups/{backup}/verify")
    public Response verify(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                           @PathParam("name") String name, @PathParam("backup") String backup,
                           @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        BackupPolicy p = service.server(sub, rg, name);
        service.verify(p, backup);
        return Response.accepted().header("Location", id(p, backup) + "?api-version=" + apiVersion).build();
    }

    @POST
    @Path("/restoreDrill")
    public Response drill(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                          @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        drills.requestFor(service.server(sub, rg, name));
        return Response.accepted().build();
    }

    @GET
    @Path("/backupStatus")
    public Map<String, Object> status(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                      @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        BackupPolicy p = service.server(sub, rg, name);
        Map<String, Object> props = new LinkedHashMap<>(service.status(p));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", base(p) + "/backupStatus");
        out.put("name", "backupStatus");
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/backupStatus");
        out.put("properties", props);
        return out;
    }

    private static String base(BackupPolicy p) {
        return "/subscriptions/" + p.subscriptionId + "/resourceGroups/" + p.resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + p.serverName;
    }

    private static String id(BackupPolicy p, String backup) {
        return base(p) + "/backups/" + backup;
    }

    private Map<String, Object> body(BackupPolicy p, BackupEntity b) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("backupType", b.kind.apiType);
        props.put("source", b.kind == BackupEntity.Kind.Automatic ? "Automatic" : "Customer Initiated");
        props.put("completedTime", b.state == BackupEntity.State.Completed && b.completedAt != null ? b.completedAt.toString() : null);
        props.put("state", b.state.name());
        props.put("repositoryId", b.id.toString()); // its directory in the repository: servers/{serverId}/backups/{repositoryId}
        props.put("startedTime", b.startedAt.toString());
        props.put("error", b.error);
        props.put("sizeBytes", b.sizeBytes);
        props.put("storedBytes", b.storedBytes);
        props.put("fileCount", b.fileCount);
        props.put("timeline", b.timeline);
        props.put("startLsn", b.startLsn);
        props.put("endLsn", b.stopLsn);
        props.put("startWal", b.startWal);
        props.put("endWal", b.stopWal);
        props.put("engineVersion", b.engineVersion);
        props.put("verification", b.verifyState == null ? null
                : mapOf("state", b.verifyState, "time", String.valueOf(b.verifiedAt), "detail", b.verifyDetail));
        props.put("restoreDrill", b.drillState == null ? null
                : mapOf("state", b.drillState, "time", String.valueOf(b.drillAt), "detail", b.drillDetail));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id(p, b.name));
        out.put("name", b.name);
        out.put("type", "Microsoft.DBforPostgreSQL/flexibleServers/backups");
        out.put("properties", props);
        return out;
    }

    private static Map<String, Object> mapOf(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
