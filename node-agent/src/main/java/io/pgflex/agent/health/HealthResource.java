package io.pgflex.agent.health;

import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/**
 * The role of this agent's instance of a server over HTTP, for people and load balancers that
 * prefer HTTP checks (the routers use {@link AgentCheckServer}): 200 only when the instance is the
 * healthy, unfenced primary (and, for the PgBouncer check, its PgBouncer runs); 503 otherwise.
 * No token: the answer says nothing secret.
 */
@Path("/v1/health/servers/{serverId}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class HealthResource {
    private final PrimaryProbe probe;
    private final InstanceStore store;
    private final PgBouncerManager pgbouncer;

    public HealthResource(PrimaryProbe probe, InstanceStore store, PgBouncerManager pgbouncer) {
        this.probe = probe;
        this.store = store;
        this.pgbouncer = pgbouncer;
    }

    @GET
    @Path("/primary")
    public Response primary(@PathParam("serverId") String serverId) {
        return check(serverId, false);
    }

    @GET
    @Path("/pgbouncer")
    public Response pgbouncer(@PathParam("serverId") String serverId) {
        return check(serverId, true);
    }

    private Response check(String serverId, boolean pgBouncer) {
        Optional<InstanceRecord> instance = probe.instanceOf(serverId);
        if (instance.isEmpty()) {
            return answer(false, null, "no instance of this server on this agent");
        }
        String id = instance.get().instanceId();
        PrimaryProbe.Observation o = probe.observe(instance.get());
        if (o.primary() && pgBouncer && !pgbouncer.running(store.layout(id))) {
            return answer(false, id, "PgBouncer does not run (pgbouncer.enabled is off)");
        }
        return answer(o.primary(), id, o.detail());
    }

    private static Response answer(boolean primary, String instanceId, String detail) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("role", primary ? "primary" : "not-primary");
        body.put("instanceId", instanceId);
        body.put("detail", detail);
        return Response.status(primary ? 200 : 503).entity(body).build();
    }
}
