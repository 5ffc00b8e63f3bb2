package io.pgflex.agent.api;

import io.pgflex.agent.replication.ReplicationManager;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.Map;

/**
 * Agent to agent: a base backup of a primary streamed to the agent that builds a standby from it
 * (framed entries: the header, the TLS material, every data file, backup_label). Same bearer token
 * as the rest of the agent API.
 */
@Path(NodeAgentApi.BASE_PATH + "/instances/{instanceId}/basebackup")
@Blocking
public class BaseBackupResource {
    private final ReplicationManager replication;

    public BaseBackupResource(ReplicationManager replication) {
        this.replication = replication;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response stream(@PathParam("instanceId") String instanceId, Map<String, String> body) {
        String slot = body == null ? null : body.get("slot");
        if (slot == null || !slot.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("slot must match [a-z0-9_]{1,63}");
        }
        StreamingOutput out = stream -> replication.streamBaseBackup(instanceId, slot, stream);
        return Response.ok(out).build();
    }
}
