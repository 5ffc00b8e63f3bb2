package io.pgflex.agent.api;

import io.pgflex.agent.archive.WalArchive;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * The loopback end of archive_command and restore_command (curl from PostgreSQL's scripts, with
 * the instance's own token): PUT archives one WAL file, GET fetches one for replay (404: not archived).
 */
@Path(NodeAgentApi.BASE_PATH + "/instances/{instanceId}/wal/{file}")
@Blocking
public class WalResource {
    private final WalArchive archive;
    private final InstanceStore store;

    public WalResource(WalArchive archive, InstanceStore store) {
        this.archive = archive;
        this.store = store;
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("instanceId") String instanceId, @PathParam("file") String file, InputStream body)
            throws IOException {
        try {
            WalArchive.Archived result = archive.archive(instanceId, file, body);
            return Response.ok(Map.of("file", file, "result", result.name())).build();
        } catch (WalArchive.ArchiveConflictException e) {
            return Response.status(409).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", Map.of("code", "WalConflict", "message", e.getMessage()))).build();
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response get(@PathParam("instanceId") String instanceId, @PathParam("file") String file) throws IOException {
        // WAL files are at most one segment (16 MiB): read whole, so a missing or damaged one is a clean error, not a cut stream
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            archive.fetch(instanceId, file, out);
        } catch (NoSuchFileException e) {
            return Response.status(404).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", Map.of("code", "WalNotArchived", "message", file + " is not in the archive"))).build();
        }
        byte[] bytes = out.toByteArray();
        StreamingOutput stream = o -> o.write(bytes);
        return Response.ok(stream).build();
    }
}
