package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationStatus;
import io.pgflex.support.arm.AsyncOperations;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;

/** Polling of long-running operations, as ARM does it. */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.DBforPostgreSQL/locations/{location}")
@Produces(MediaType.APPLICATION_JSON)
public class OperationResource {
    private final TenantGuard guard;

    public OperationResource(TenantGuard guard) {
        this.guard = guard;
    }

    /**
     * Always 200 with the operation's status: InProgress, Succeeded, Failed or Canceled; while in
     * progress with {@code Retry-After: 1} (without it ARM clients wait their default, az CLI 30 s).
     */
    @GET
    @Path("/azureAsyncOperation/{operationId}")
    public Response status(@PathParam("subscriptionId") String subscriptionId, @PathParam("location") String location,
                           @PathParam("operationId") String operationId, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        OperationEntity op = find(subscriptionId, operationId);
        return AsyncOperations.statusResponse(view(op), !op.status.done());
    }

    /** 202 while running, then 200 (or the operation's error status). */
    @GET
    @Path("/operationResults/{operationId}")
    public Response result(@PathParam("subscriptionId") String subscriptionId, @PathParam("location") String location,
                           @PathParam("operationId") String operationId, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(subscriptionId);
        OperationEntity op = find(subscriptionId, operationId);
        if (!op.status.done()) {
            return Response.accepted().header("Retry-After", "1").build();
        }
        if (op.status == OperationStatus.Failed) {
            throw new ArmException(500, op.errorCode, op.errorMessage, null);
        }
        return Response.ok(view(op)).build();
    }

    static OperationEntity find(String subscriptionId, String operationId) {
        OperationEntity op = null;
        try {
            op = OperationEntity.findById(UUID.fromString(operationId));
        } catch (IllegalArgumentException e) {
            // not a UUID: not one of ours
        }
        if (op == null || !op.subscriptionId.equals(subscriptionId)) {
            throw ArmException.notFound("The operation '" + operationId + "' was not found.");
        }
        return op;
    }

    static Map<String, Object> view(OperationEntity op) {
        return AsyncOperations.status(op.asyncOperationPath(), op.id.toString(), op.status.name(), op.startedAt, op.endedAt,
                op.percentComplete, Map.of("kind", op.kind.name(), "step", op.step == null ? "" : op.step), op.errorCode,
                op.errorMessage);
    }
}
