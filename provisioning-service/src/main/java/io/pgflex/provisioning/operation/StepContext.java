package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetails;
import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.PgflexEvent;
import io.pgflex.provisioning.ProvisioningConfig;
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
import java.util.Map;
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
    private final Outbox outbox;
    private final ObjectMapper json;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final OperationLedger ledger;

    public StepContext(AgentClients agents, Outbox outbox, ObjectMapper json, ProvisioningConfig config, Clock clock,
                       OperationLedger ledger) {
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

    /**
     * Waits (up to {@code pgflex.provisioning.endpoint.router-wait}) until the router has taken in route {@code generation}, and
     * when the server runs until its endpoint (and, with PgBouncer on, its PgBouncer port) leads to it. A router that is down or slow does not fail
     * the operation: the route waits in Kafka and the router applies it when it is back.
     */
    public void awaitRouter(ServerEntity s, long generation, boolean routable, boolean pgBouncer) {
        long deadline = System.nanoTime() + config.endpoint().routerWait().toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                RouteStatus route = agents.client(config.endpoint().routerAgent()).route(s.id.toString());
                if (route.generation() >= generation && (!routable || route.routable())
                        && (!pgBouncer || route.pgBouncerRoutable())) {
                    return;
                }
                last = route.routable() ? "generation " + route.generation() : String.valueOf(route.reason());
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warnf("server %s: the router has not taken in route %d within %s (%s); it will when it can", s.name, generation,
                config.endpoint().routerWait(), last);
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
