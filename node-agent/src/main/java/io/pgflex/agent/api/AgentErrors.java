package io.pgflex.agent.api;

import io.pgflex.agent.instances.InstanceException;
import io.pgflex.agent.instances.InstanceNotFoundException;
import io.pgflex.agent.instances.InstanceNotRunningException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Error bodies of the agent API, in ARM's shape so the control plane reads them like its own. */
public class AgentErrors {

    @ServerExceptionMapper
    public Response notFound(InstanceNotFoundException e) {
        return error(404, "InstanceNotFound", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notRunning(InstanceNotRunningException e) {
        return error(409, "InstanceNotRunning", e.getMessage());
    }

    @ServerExceptionMapper
    public Response fenced(io.pgflex.agent.instances.FencedException e) {
        return error(409, "InstanceFenced", e.getMessage());
    }

    @ServerExceptionMapper
    public Response badSpec(IllegalArgumentException e) {
        return error(400, "InvalidInstanceSpec", e.getMessage());
    }

    @ServerExceptionMapper
    public Response restoreFailed(io.pgflex.agent.backup.Restores.RestoreFailedException e) {
        return error(422, "RestoreFailed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response restoreRunning(io.pgflex.agent.backup.Restores.RestoreInProgressException e) {
        return error(409, "RestoreInProgress", e.getMessage());
    }

    @ServerExceptionMapper
    public Response failed(InstanceException e) {
        return error(500, "InstanceOperationFailed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(IllegalStateException e) {
        return error(500, "AgentError", e.getMessage());
    }

    static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", Map.of("code", code, "message", message == null ? code : message))).build();
    }
}
