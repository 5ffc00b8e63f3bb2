package io.pgflex.contracts.agent;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The node agent's HTTP API as the control plane calls it. Every call carries the agent bearer
 * token; every command carries an operation id and is idempotent.
 */
@Path(NodeAgentApi.BASE_PATH)
@Produces(MediaType.APPLICATION_JSON)
public interface NodeAgentApi {
    String BASE_PATH = "/agent/v1";

    @GET
    @Path("/info")
    AgentInfo info();
}
