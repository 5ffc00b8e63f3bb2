package io.pgflex.ha.api;

import io.pgflex.ha.servers.HaServer;

import io.pgflex.support.errors.ArmException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;

/** Internal, for operators and tests: ha-service's view of one server. Not routed by the public gateway. */
@Path("/internal/v1/servers")
@Produces(MediaType.APPLICATION_JSON)
public class HaServerResource {

    public record View(String serverId, String name, String haMode, String haState, int eventsHandled, String lastEventType,
                       io.pgflex.contracts.events.HaMember primary, io.pgflex.contracts.events.HaMember standby,
                       String degradedReason, String step, long term, java.time.Instant lastFailoverAt,
                       long primaryDownMillis, String unavailableReason) {
    }

    private final io.pgflex.ha.monitor.Observations monitor;

    public HaServerResource(io.pgflex.ha.monitor.Observations monitor) {
        this.monitor = monitor;
    }

    @GET
    @Path("/{serverId}")
    public View get(@PathParam("serverId") UUID serverId) {
        HaServer s = HaServer.<HaServer>findByIdOptional(serverId)
                .orElseThrow(() -> ArmException.notFound("ha-service does not track server " + serverId));
        return new View(s.serverId.toString(), s.name, s.haMode, s.haState.name(), s.eventsHandled, s.lastEventType,
                s.primary(), s.standby(), s.degradedReason, s.step, s.term, s.lastFailoverAt, monitor.primaryDownMillis(serverId),
                s.unavailableReason);
    }
}
