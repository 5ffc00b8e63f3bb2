package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetails;
import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.contracts.events.PgflexEvent;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.endpoint.Endpoints;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the steps of every operation kind share: the server (locked) and its agent, the operation's details, the
 * instance's status recorded on the server, the wait for the router, the HA wish for ha-service, and the end of a
 * successful operation (state through {@link ServerLifecycle}, its event and the operation's status in one
 * transaction).
 */
@ApplicationScoped
public class StepContext {
    private static final Logger LOG = Logger.getLogger(StepContext.class);

    private final AgentClients agents;
    private final Endpoints endpoints;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final OperationLedger ledger;

    public StepContext(AgentClients agents, Outbox outbox, ObjectMapper json, ProvisioningConfig config, Clock clock,
                       OperationLedger ledger, Endpoints endpoints) {
        this.endpoints = endpoints;
        this.agents = agents;
        this.outbox = outbox;
        this.json = json;
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
    }

    /** A server as read in one transaction, with the instance spec it asks for. */
    public record Target(ServerEntity server, InstanceSpec spec) {
    }

    /** What a successful operation changes on its server; the event it publishes (or null). */
    public interface Completion {
        PgflexEvent apply(ServerEntity server);
    }

    /** Best effort: the server's last transactions reach the WAL archive now (before a stop, a delete, a restore). */
    public java.time.Instant switchWal(ServerEntity s, OperationEntity op) {
        try {
            io.pgflex.contracts.agent.WalSwitch w = agent(s).switchWal(s.instanceId);
            LOG.infof("operation %s: WAL of %s switched at %s (%s %s)", op.id, s.name, w.markerTime(), w.lastWal(),
                    w.archived() ? "archived" : "not archived yet");
            return w.archived() ? w.markerTime() : null;
        } catch (RuntimeException e) {
            LOG.warnf("operation %s: WAL of %s not switched (%s); the archive holds it up to archive_timeout (60 s) before",
                    op.id, s.name, StepContext.agentMessage(e));
            return null;
        }
    }

    /** What provisioning wants of the server's HA, for ha-service. */
    public io.pgflex.contracts.events.HaDesired haDesired(ServerEntity s, String operationId) {
        return new io.pgflex.contracts.events.HaDesired(s.id.toString(), s.subscriptionId, operationId,
                io.pgflex.contracts.events.HaDesired.VERSION, s.name, s.resourceGroup, s.haMode, ServerLifecycle.shouldRun(s.state),
                s.agentId == null ? null : new io.pgflex.contracts.events.HaMember(s.agentId, s.instanceId, s.host,
                        s.port == null ? 0 : s.port, agents.zone(s.agentId)), clock.instant());
    }

    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A wait for the router from now, for as long as {@code pgflex.provisioning.endpoint.router-wait}. */
    public RouteWait routeWait(long generation, boolean routable, boolean pgBouncer, long elapsedMillis, Instant archivedUntil,
                               String restoredLsn) {
        return new RouteWait(generation, routable, pgBouncer, clock.instant().plus(config.endpoint().routerWait()), elapsedMillis,
                archivedUntil, restoredLsn);
    }

    /** The wait for the router this operation reached earlier (stored with the route it published), if it did. */
    public Optional<RouteWait> storedRouteWait(OperationEntity op) {
        if (op.checkpoint == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(op.checkpoint, RouteWait.class));
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint of operation " + op.id + " is not readable: " + op.checkpoint, e);
        }
    }

    /** Stores the wait on the held operation, inside the transaction that publishes the route it waits for. */
    public RouteWait storeRouteWait(OperationEntity held, RouteWait wait) {
        held.checkpoint = toJson(wait);
        return wait;
    }

    /**
     * Publishes the server's route and stores on the held operation the wait for the router to take it in (inside the
     * caller's transaction: the route and the checkpoint commit together). {@code elapsedMillis}, {@code archivedUntil}
     * and {@code restoredLsn} are what the step's end needs of the work before.
     */
    public RouteWait publishRoute(OperationEntity held, ServerEntity s, Target target, long elapsedMillis, Instant archivedUntil,
                                  String restoredLsn) {
        EndpointUpdated route = endpoints.route(s, held.id.toString());
        outbox.publish(route);
        boolean routable = routable(target);
        return storeRouteWait(held, routeWait(route.generation(), routable, routable && pgBouncer(target.spec().parameters()),
                elapsedMillis, archivedUntil, restoredLsn));
    }

    /**
     * Asks the router once whether it routes as {@code wait} needs: if so, or when waited long enough, runs
     * {@code finish} (the operation's end); otherwise the step runs again shortly, and no worker waits meanwhile.
     */
    public StepResult afterRoute(OperationEntity op, RouteWait wait, Runnable finish) {
        RouteStatus route;
        try {
            route = agents.client(config.endpoint().routerAgent()).route(op.serverId.toString());
        } catch (RuntimeException e) {
            route = null;
        }
        RouteWait.Decision d = wait.decide(route, clock.instant());
        if (d.next() == RouteWait.Next.WAIT) {
            return new StepResult.Later(wait.pollAfter(config.endpoint().routerWait(), clock.instant()), null);
        }
        if (d.next() == RouteWait.Next.GIVE_UP) {
            LOG.warnf("server %s: %s", op.serverName, d.reason());
        }
        finish.run();
        return StepResult.done();
    }

    /** Whether the endpoint should lead somewhere once the operation is done: the server runs and admits clients. */
    public static boolean routable(Target target) {
        return target.spec().desiredState() == InstanceSpec.DesiredState.Running && target.server().publicNetworkAccess;
    }

    public static boolean pgBouncer(Map<String, String> parameters) {
        return parameters != null && io.pgflex.provisioning.model.ParameterPolicy.on(parameters.get("pgbouncer.enabled"));
    }

    public void finish(OperationEntity op, Completion completion) {
        QuarkusTransaction.requiringNew().run(() -> {
            ServerEntity s = server(op);
            PgflexEvent event = completion.apply(s);
            s.updatedAt = clock.instant();
            if (event != null) {
                outbox.publish(event);
            }
            ledger.succeed(op.id);
        });
        LOG.infof("operation %s: %s of server %s succeeded", op.id, op.kind, op.serverName);
    }

    public static void record(ServerEntity s, InstanceStatus status) {
        if (s.instanceId != null && !s.instanceId.equals(status.instanceId())) {
            return; // the primary changed meanwhile (a failover): this status is of the other instance
        }
        s.host = status.host();
        s.port = status.port();
        s.minorVersion = status.engineVersion();
        s.resourceLimits = status.resourceLimits();
        if (status.caCertificate() != null) {
            s.caCertificate = status.caCertificate();
        }
    }

    public ServerEntity server(OperationEntity op) {
        ServerEntity s = ServerEntity.lockById(op.serverId);
        if (s == null) {
            throw new FailurePolicy.Permanent("ResourceNotFound", "server " + op.serverName + " no longer exists");
        }
        return s;
    }

    public NodeAgentApi agent(ServerEntity s) {
        return agents.client(s.agentId);
    }

    /** What the operation was asked beyond its kind ({@code type}: its kind's detail type). */
    public <T extends OperationDetail> T detail(OperationEntity op, Class<T> type) {
        return OperationDetails.read(json, op.kind, op.detail, type);
    }

    /** The agent's own error message when it gave one (ARM-shaped body), else the exception's. */
    public static String agentMessage(RuntimeException e) {
        if (e instanceof ArmException arm) {
            return arm.getMessage();
        }
        if (e instanceof WebApplicationException web && web.getResponse() != null) {
            try {
                String body = web.getResponse().readEntity(String.class);
                int at = body.indexOf("\"message\":\"");
                if (at >= 0) {
                    int end = body.indexOf('"', at + 11);
                    return "node agent: " + body.substring(at + 11, end > at ? end : body.length());
                }
                return "node agent answered " + web.getResponse().getStatus();
            } catch (RuntimeException ignored) {
                return "node agent answered " + web.getResponse().getStatus();
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
