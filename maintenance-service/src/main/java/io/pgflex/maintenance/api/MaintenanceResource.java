package io.pgflex.maintenance.api;

import io.pgflex.maintenance.catalogue.EngineVersion;
import io.pgflex.maintenance.config.MaintenanceConfig;
import io.pgflex.maintenance.plan.Scheduling;
import io.pgflex.maintenance.rollout.Maintenance;
import io.pgflex.maintenance.rollout.Rollouts;
import io.pgflex.maintenance.servers.MaintainedServer;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import io.pgflex.support.errors.ArmException;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A server's maintenances (upcoming and past), modelled on Azure's planned-maintenance notices and RDS's pending
 * maintenance actions: list and show, {@code reschedule} to another start of the server's window (within a limit) and
 * {@code applyNow}, the four verbs of {@code az postgres flexible-server maintenance-event}.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}/maintenances")
@Produces(MediaType.APPLICATION_JSON)
public class MaintenanceResource {
    static final String TYPE = "Microsoft.DBforPostgreSQL/flexibleServers/maintenances";

    private final TenantGuard guard;
    private final MaintenanceConfig config;
    private final Rollouts rollouts;
    private final Clock clock;

    public MaintenanceResource(TenantGuard guard, MaintenanceConfig config, Rollouts rollouts, Clock clock) {
        this.guard = guard;
        this.config = config;
        this.rollouts = rollouts;
        this.clock = clock;
    }

    @GET
    @Transactional
    public Map<String, Object> list(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                    @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MaintainedServer s = server(sub, rg, name);
        return Map.of("value", Maintenance.ofServer(s.serverId).stream().map(m -> body(s, m)).toList());
    }

    @GET
    @Path("/{id}")
    @Transactional
    public Map<String, Object> get(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                   @PathParam("name") String name, @PathParam("id") String id,
                                   @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MaintainedServer s = server(sub, rg, name);
        return body(s, maintenance(s, id, false));
    }

    /** Body {@code {"scheduledStartTime": "2026-12-20T02:00:00Z"}}: another start of the server's window. */
    @POST
    @Path("/{id}/reschedule")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Map<String, Object> reschedule(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                          @PathParam("name") String name, @PathParam("id") String id,
                                          @QueryParam("api-version") String apiVersion, Map<String, Object> body) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        MaintainedServer s = server(sub, rg, name);
        Maintenance m = maintenance(s, id, true);
        Object raw = body == null ? null : body.get("scheduledStartTime");
        if (raw == null && body != null && body.get("properties") instanceof Map<?, ?> p) {
            raw = p.get("scheduledStartTime");
        }
        if (!(raw instanceof String text) || text.isBlank()) {
            throw ArmException.badRequest("MissingScheduledStartTime",
                    "The body must give scheduledStartTime, an ISO-8601 instant such as 2026-12-20T02:00:00Z.", "scheduledStartTime");
        }
        Instant requested;
        try {
            requested = java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ArmException.badRequest("InvalidScheduledStartTime", "'" + text
                    + "' is not an ISO-8601 instant such as 2026-12-20T02:00:00Z.", "scheduledStartTime");
        }
        requireScheduled(m, "rescheduled");
        Scheduling.Reschedule decision = Scheduling.reschedule(Rollouts.window(s.serverId), requested, m.firstStart, m.publishedAt,
                clock.instant(), new Scheduling.Limits(config.rescheduleLead(), config.rescheduleLimit(), config.customDelay(),
                        config.zoneId()));
        if (!decision.accepted()) {
            throw ArmException.badRequest("InvalidRescheduleTime", decision.reason() + ".", "scheduledStartTime");
        }
        m.scheduledStart = requested;
        m.scheduledEnd = requested.plus(io.pgflex.maintenance.plan.Window.LENGTH);
        m.applyNow = false;
        m.scheduleReason = "rescheduled by " + guard.caller().id() + ": " + decision.reason();
        m.updatedAt = clock.instant();
        rollouts.announce(m);
        return body(s, m);
    }

    /** Runs the maintenance now instead of in its window. */
    @POST
    @Path("/{id}/applyNow")
    @Transactional
    public Map<String, Object> applyNow(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                        @PathParam("name") String name, @PathParam("id") String id,
                                        @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.write(sub);
        MaintainedServer s = server(sub, rg, name);
        Maintenance m = maintenance(s, id, true);
        requireScheduled(m, "applied now");
        m.applyNow = true;
        m.scheduleReason = "applied now by " + guard.caller().id();
        m.updatedAt = clock.instant();
        return body(s, m);
    }

    private static void requireScheduled(Maintenance m, String what) {
        if (m.state != Maintenance.State.Scheduled) {
            throw new ArmException(409, "MaintenanceNotScheduled", "Maintenance " + m.id + " is " + m.state
                    + ": only a scheduled maintenance can be " + what + ".", null);
        }
    }

    private static MaintainedServer server(String sub, String rg, String name) {
        return MaintainedServer.byName(sub, rg, name).orElseThrow(() -> new ArmException(404, "ResourceNotFound",
                "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name + "' under resource group '" + rg
                        + "' was not found.", null));
    }

    private static Maintenance maintenance(MaintainedServer s, String id, boolean lock) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            uuid = null;
        }
        Maintenance m = uuid == null ? null : lock ? Maintenance.findById(uuid, LockModeType.PESSIMISTIC_WRITE) : Maintenance.findById(uuid);
        if (m == null || !m.serverId.equals(s.serverId)) {
            throw new ArmException(404, "ResourceNotFound", "The maintenance '" + id + "' of server '" + s.name
                    + "' was not found.", null);
        }
        return m;
    }

    static Map<String, Object> body(MaintainedServer s, Maintenance m) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("maintenanceType", m.kind);
        p.put("state", m.state.name());
        p.put("scheduledStartTime", m.scheduledStart.toString());
        p.put("scheduledEndTime", m.scheduledEnd.toString());
        p.put("fromVersion", m.fromVersion);
        p.put("toVersion", m.targetVersion);
        p.put("reason", m.scheduleReason);
        p.put("applyNow", m.applyNow);
        p.put("attempt", m.attempt);
        p.put("step", m.step);
        p.put("stepReason", m.stepReason);
        p.put("startTime", m.startedAt == null ? null : m.startedAt.toString());
        p.put("endTime", m.endedAt == null ? null : m.endedAt.toString());
        p.put("writeUnavailabilityMillis", m.downtimeMillis);
        p.put("failureReason", m.failure);
        p.put("releaseNotes", EngineVersion.<EngineVersion>findByIdOptional(m.targetVersion).map(v -> v.releaseNotes).orElse(null));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.resourceId() + "/maintenances/" + m.id);
        out.put("name", m.id.toString());
        out.put("type", TYPE);
        out.put("properties", p);
        return out;
    }
}
