package io.pgflex.backup.api;

import io.pgflex.backup.backup.BackupOperation;
import io.pgflex.support.arm.AsyncOperations;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;

/**
 * Polling of backup PUTs and DELETEs, as ARM does it: {@code backupOperations/{id}} is the
 * Azure-AsyncOperation status (always 200), {@code backupOperationResults/{id}} the Location (202
 * while in progress, then 200 or the operation's error).
 */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.DBforPostgreSQL/locations/{location}")
@Produces(MediaType.APPLICATION_JSON)
public class BackupOperationResource {
    private final TenantGuard guard;

    public BackupOperationResource(TenantGuard guard) {
        this.guard = guard;
    }

    @GET
    @Path("/backupOperations/{operationId}")
    public Response status(@PathParam("subscriptionId") String sub, @PathParam("location") String location,
                           @PathParam("operationId") String operationId, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        BackupOperation op = find(sub, operationId);
        return AsyncOperations.statusResponse(view(op, location), op.status == BackupOperation.Status.InProgress);
    }

    @GET
    @Path("/backupOperationResults/{operationId}")
    public Response result(@PathParam("subscriptionId") String sub, @PathParam("location") String location,
                           @PathParam("operationId") String operationId, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        BackupOperation op = find(sub, operationId);
        return switch (op.status) {
            case InProgress -> Response.accepted().header("Retry-After", "1").build();
            case Succeeded -> Response.ok(view(op, location)).build();
            case Canceled -> throw new ArmException(409, op.errorCode, op.errorMessage, null);
            case Failed -> throw new ArmException(500, op.errorCode, op.errorMessage, null);
        };
    }

    private static BackupOperation find(String sub, String operationId) {
        BackupOperation op = null;
        try {
            UUID id = UUID.fromString(operationId);
            op = QuarkusTransaction.requiringNew().call(() -> BackupOperation.findById(id));
        } catch (IllegalArgumentException e) {
            // not a UUID: not one of ours
        }
        if (op == null || !op.subscriptionId.equals(sub)) {
            throw ArmException.notFound("The operation '" + operationId + "' was not found.");
        }
        return op;
    }

    /** The status path of an operation: the Azure-AsyncOperation a backup PUT or DELETE answers with. */
    static String statusPath(String sub, String location, UUID id) {
        return base(sub, location) + "/backupOperations/" + id;
    }

    static String resultPath(String sub, String location, UUID id) {
        return base(sub, location) + "/backupOperationResults/" + id;
    }

    private static String base(String sub, String location) {
        return "/subscriptions/" + sub + "/providers/Microsoft.DBforPostgreSQL/locations/" + (location == null ? "local" : location);
    }

    private static Map<String, Object> view(BackupOperation op, String location) {
        return AsyncOperations.status(statusPath(op.subscriptionId, location, op.id), op.id.toString(), op.status.name(),
                op.startedAt, op.endedAt, op.status == BackupOperation.Status.InProgress ? 0 : 100,
                Map.of("kind", op.kind.name(), "backup", op.backupName), op.errorCode, op.errorMessage);
    }
}
