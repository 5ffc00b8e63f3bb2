package io.pgflex.provisioning.operation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.DatabaseSpec;
import io.pgflex.contracts.agent.InstanceSpec;
import io.pgflex.contracts.agent.InstanceStatus;
import io.pgflex.contracts.agent.NodeAgentApi;
import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.contracts.events.PgflexEvent;
import io.pgflex.contracts.events.ServerDeleted;
import io.pgflex.contracts.events.ServerFailed;
import io.pgflex.contracts.events.ServerProvisioned;
import io.pgflex.contracts.events.ServerRestarted;
import io.pgflex.contracts.events.ServerStarted;
import io.pgflex.contracts.events.ServerStopped;
import io.pgflex.contracts.events.ServerUpdated;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.endpoint.Endpoints;
import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.OperationStatus;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.provisioning.placement.AgentClients;
import io.pgflex.provisioning.placement.Placement;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The steps of each operation kind. Every step can run again: the agent commands are idempotent
 * and each step first looks at what is recorded (placement, instance), so an operation resumed
 * after a crash simply goes on. State changes and their events commit together.
 */
@ApplicationScoped
public class OperationSteps {
    private static final Logger LOG = Logger.getLogger(OperationSteps.class);

    private final AgentClients agents;
    private final Placement placement;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final ProvisioningConfig config;
    private final Clock clock;
    private final Operations operations;
    private final Endpoints endpoints;

    public OperationSteps(AgentClients agents, Placement placement, Outbox outbox, ObjectMapper json,
                          ProvisioningConfig config, Clock clock, Operations operations, Endpoints endpoints) {
        this.endpoints = endpoints;
        this.agents = agents;
        this.placement = placement;
        this.outbox = outbox;
        this.json = json;
        this.config = config;
        this.clock = clock;
        this.operations = operations;
    }

    /** This worker no longer holds the operation (its lease ran out and another worker took it over). */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(UUID operationId) {
            super("lease of operation " + operationId + " lost to another worker");
        }
    }

    /** The operation, locked, if this worker still holds it; every step's transaction starts here. */
    private static OperationEntity held(UUID operationId) {
        OperationEntity o = OperationEntity.findById(operationId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (o == null || o.status.done() || !OperationRunner.OWNER.equals(o.leaseOwner)) {
            throw new LeaseLost(operationId);
        }
        return o;
    }

    /** A failure that retrying cannot fix. */
    static final class Permanent extends RuntimeException {
        final String code;

        Permanent(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    public void run(UUID operationId) {
        OperationEntity op = QuarkusTransaction.requiringNew().call(() -> OperationEntity.findById(operationId));
        if (op == null || op.status.done()) {
            return;
        }
        LOG.infof("operation %s: %s of server %s (attempt %d)", op.id, op.kind, op.serverName, op.attempts + 1);
        try {
            switch (op.kind) {
                case Create -> create(op);
                case Delete -> delete(op);
                case Restart -> restart(op);
                case CreateDatabase, DropDatabase -> database(op);
                default -> converge(op);
            }
        } catch (LeaseLost e) {
            LOG.warnf("operation %s: %s; this worker stops", op.id, e.getMessage());
        } catch (Permanent e) {
            fail(op, e.code, e.getMessage());
        } catch (WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status >= 400 && status < 500 && status != 409 && status != 429) {
                fail(op, "InstanceRequestRejected", agentMessage(e));
            } else {
                retryOrFail(op, e);
            }
        } catch (RuntimeException e) {
            retryOrFail(op, e);
        }
    }

    /** A server as read in one transaction, with the instance spec it asks for. */
    private record Target(ServerEntity server, InstanceSpec spec) {
    }

    private void create(OperationEntity op) {
        Target target = QuarkusTransaction.requiringNew().call(() -> {
            ServerEntity s = server(op);
            if (s.agentId == null) {
                s.agentId = placement.choose(s);
                s.instanceId = s.id.toString();
                LOG.infof("operation %s: server %s placed on node agent %s", op.id, s.name, s.agentId);
            }
            progress(op.id, "CreatingInstance", 30);
            return new Target(s, InstanceSpecs.of(s, op.id.toString(), json));
        });
        io.pgflex.contracts.agent.RestoreResult restored = "PointInTimeRestore".equals(target.server().createMode)
                ? restore(op, target) : null;
        InstanceStatus status = restored != null ? restored.instance()
                : agent(target.server()).apply(target.server().instanceId, target.spec());
        long generation = QuarkusTransaction.requiringNew().call(() -> {
            progress(op.id, "ConfiguringEndpoint", 80);
            ServerEntity s = server(op);
            record(s, status);
            EndpointUpdated route = endpoints.route(s, op.id.toString());
            outbox.publish(route);
            return route.generation();
        });
        awaitRouter(target.server(), generation, routable(target), routable(target) && pgBouncer(target.spec().parameters()));
        finish(op, s -> {
            // where it runs was recorded with its route, above
            s.state = ServerLifecycle.succeeded(op.kind, s.state);
            outbox.publish(haDesired(s, op.id.toString()));
            if (restored != null) {
                outbox.publish(new io.pgflex.contracts.events.RestoreCompleted(s.id.toString(), s.subscriptionId,
                        op.id.toString(), io.pgflex.contracts.events.RestoreCompleted.VERSION, s.sourceServerId.toString(),
                        s.pointInTime, restored.restoredLsn(), clock.instant()));
            }
            return new ServerProvisioned(s.id.toString(), s.subscriptionId, op.id.toString(), ServerProvisioned.VERSION,
                    s.name, s.host, s.port, s.version, s.minorVersion, clock.instant());
        });
    }

    /**
     * A new server from another's backups: the source (when it runs) first commits a marker and
     * switches WAL, so everything up to now is in the archive; then the agent restores the latest
     * backup before the point in time and replays WAL to it.
     */
    private io.pgflex.contracts.agent.RestoreResult restore(OperationEntity op, Target target) {
        ServerEntity s = target.server();
        ServerEntity source = QuarkusTransaction.requiringNew().call(() -> ServerEntity.<ServerEntity>findById(s.sourceServerId));
        java.time.Instant pointInTime = s.pointInTime;
        java.time.Instant archivedUntil;
        if (source != null && source.agentId != null && source.stoppedAt == null) {
            switchWal(source, op);
            archivedUntil = null;
        } else if (source != null) {
            archivedUntil = source.archivedUntil;
        } else {
            archivedUntil = QuarkusTransaction.requiringNew().call(() -> java.util.Optional.ofNullable(
                    io.pgflex.provisioning.model.DeletedServerEntity.<io.pgflex.provisioning.model.DeletedServerEntity>findById(
                            s.sourceServerId)).map(d -> d.restorableUntil).orElse(null));
        }
        if (archivedUntil != null && pointInTime.isAfter(archivedUntil)) {
            // the source stopped (or was deleted) before the point: everything it archived is the data at that point
            pointInTime = null;
        }
        QuarkusTransaction.requiringNew().run(() -> progress(op.id, "RestoringBackup", 40));
        LOG.infof("operation %s: restoring server %s to %s from the backups of %s", op.id, s.name, s.pointInTime,
                s.sourceServerId);
        return agents.slowClient(s.agentId).restore(s.instanceId, new io.pgflex.contracts.agent.RestoreRequest(
                target.spec(), s.sourceServerId.toString(), pointInTime, false));
    }

    /** Best effort: the server's last transactions reach the WAL archive now (before a stop, a delete, a restore). */
    private java.time.Instant switchWal(ServerEntity s, OperationEntity op) {
        try {
            io.pgflex.contracts.agent.WalSwitch w = agent(s).switchWal(s.instanceId);
            LOG.infof("operation %s: WAL of %s switched at %s (%s %s)", op.id, s.name, w.markerTime(), w.lastWal(),
                    w.archived() ? "archived" : "not archived yet");
            return w.archived() ? w.markerTime() : null;
        } catch (RuntimeException e) {
            LOG.warnf("operation %s: WAL of %s not switched (%s); the archive holds it up to archive_timeout (60 s) before",
                    op.id, s.name, agentMessage(e));
            return null;
        }
    }

    /** Update, start, stop and firewall/parameter changes: bring the instance to the server's desired state. */
    private void converge(OperationEntity op) {
        Target target = QuarkusTransaction.requiringNew().call(() -> {
            progress(op.id, "Applying", 40);
            ServerEntity s = server(op);
            return new Target(s, InstanceSpecs.of(s, op.id.toString(), json));
        });
        Instant started = clock.instant();
        java.time.Instant archivedUntil = op.kind == OperationKind.Stop && target.server().agentId != null
                ? switchWal(target.server(), op) : null; // what was committed before the stop is restorable
        applyToStandby(target);
        InstanceStatus status = agent(target.server()).apply(target.server().instanceId, target.spec());
        long elapsed = clock.millis() - started.toEpochMilli();
        // the router learns firewall and network changes from the route; the change is done when it routes by them
        long generation = QuarkusTransaction.requiringNew().call(() -> {
            held(op.id);
            EndpointUpdated route = endpoints.route(server(op), op.id.toString());
            outbox.publish(route);
            return route.generation();
        });
        awaitRouter(target.server(), generation, routable(target), routable(target) && pgBouncer(target.spec().parameters()));
        Map<String, String> detail = detail(op);
        finish(op, server -> {
            record(server, status);
            server.state = ServerLifecycle.succeeded(op.kind, server.state);
            outbox.publish(haDesired(server, op.id.toString()));
            String id = server.id.toString();
            return switch (op.kind) {
                case Update -> new ServerUpdated(id, server.subscriptionId, op.id.toString(), ServerUpdated.VERSION, server.name,
                        detail, detail.containsKey("sku") ? elapsed : 0, clock.instant());
                case Start -> {
                    server.stoppedAt = null;
                    yield new ServerStarted(id, server.subscriptionId, op.id.toString(), ServerStarted.VERSION, server.name,
                            "true".equals(detail.get("automatic")), clock.instant());
                }
                case Stop -> {
                    server.stoppedAt = clock.instant();
                    server.archivedUntil = archivedUntil;
                    yield new ServerStopped(id, server.subscriptionId, op.id.toString(), ServerStopped.VERSION, server.name,
                            server.stoppedAt);
                }
                default -> null;
            };
        });
    }

    private void restart(OperationEntity op) {
        if ("true".equals(detail(op).get("restartWithFailover"))) {
            restartWithFailover(op);
            return;
        }
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> {
            progress(op.id, "Restarting", 40);
            return server(op);
        });
        InstanceStatus status = agent(s).restart(s.instanceId);
        // the router saw the instance go away: done when it routes to it again
        awaitRouter(s, 0, s.publicNetworkAccess, s.publicNetworkAccess && pgBouncer(InstanceSpecs.parameters(s, json)));
        finish(op, server -> {
            record(server, status);
            server.state = ServerLifecycle.succeeded(op.kind, server.state);
            return new ServerRestarted(server.id.toString(), server.subscriptionId, op.id.toString(), ServerRestarted.VERSION,
                    server.name, false, clock.instant());
        });
    }

    /**
     * Asks ha-service for the failover (FailoverRequested, once) and waits until it reports the roles
     * changed (the pgflex.ha listener then ends this operation), or gives up after
     * {@code pgflex.provisioning.failover-wait}.
     */
    private void restartWithFailover(OperationEntity op) {
        Map<String, String> d = detail(op);
        if (!"true".equals(d.get("requested"))) {
            QuarkusTransaction.requiringNew().run(() -> {
                OperationEntity o = held(op.id);
                ServerEntity s = server(op);
                progress(op.id, "FailingOver", 30);
                d.put("requested", "true");
                o.detail = toJson(d);
                outbox.publish(new io.pgflex.contracts.events.FailoverRequested(s.id.toString(), s.subscriptionId,
                        op.id.toString(), io.pgflex.contracts.events.FailoverRequested.VERSION, d.get("failoverMode"),
                        clock.instant()));
            });
            LOG.infof("operation %s: %s of server %s asked of ha-service", op.id, d.get("failoverMode"), op.serverName);
        }
        long deadline = op.startedAt.plus(config.failoverWait()).toEpochMilli();
        while (clock.millis() < deadline) {
            OperationEntity now = QuarkusTransaction.requiringNew().call(() -> OperationEntity.findById(op.id));
            if (now == null || now.status.done()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new Permanent("FailoverNotCompleted", "ha-service did not complete the " + d.get("failoverMode") + " within "
                + config.failoverWait() + " (the server keeps running on its current primary)");
    }

    /**
     * The standby gets the same configuration first (a standby must not have less of max_connections
     * and the like than its primary). A standby whose agent does not answer is left for ha-service to rebuild.
     */
    private void applyToStandby(Target target) {
        ServerEntity s = target.server();
        if (s.standbyAgentId == null || s.standbyPort == null
                || !("Healthy".equals(s.haState) || "ReplicatingData".equals(s.haState))) {
            return;
        }
        try {
            agents.client(s.standbyAgentId).apply(s.standbyInstanceId, target.spec());
        } catch (RuntimeException e) {
            LOG.warnf("server %s: standby %s on %s not updated (%s); it gets the configuration when rebuilt", s.name,
                    s.standbyInstanceId, s.standbyAgentId, agentMessage(e));
        }
    }

    /** What provisioning wants of the server's HA, for ha-service. */
    private io.pgflex.contracts.events.HaDesired haDesired(ServerEntity s, String operationId) {
        return new io.pgflex.contracts.events.HaDesired(s.id.toString(), s.subscriptionId, operationId,
                io.pgflex.contracts.events.HaDesired.VERSION, s.name, s.resourceGroup, s.haMode, ServerLifecycle.shouldRun(s.state),
                s.agentId == null ? null : new io.pgflex.contracts.events.HaMember(s.agentId, s.instanceId, s.host,
                        s.port == null ? 0 : s.port, agents.zone(s.agentId)), clock.instant());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void delete(OperationEntity op) {
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> {
            progress(op.id, "DeletingInstance", 40);
            return server(op);
        });
        java.time.Instant archivedUntil = s.agentId != null && s.stoppedAt == null ? switchWal(s, op) : s.archivedUntil;
        if (s.agentId != null) {
            agent(s).delete(s.instanceId);
        }
        if (s.standbyAgentId != null) {
            try {
                agents.client(s.standbyAgentId).delete(s.standbyInstanceId);
            } catch (RuntimeException e) {
                LOG.warnf("operation %s: standby %s of %s on %s not removed (%s): its agent does not answer", op.id,
                        s.standbyInstanceId, s.name, s.standbyAgentId, agentMessage(e));
            }
        }
        QuarkusTransaction.requiringNew().run(() -> {
            ServerEntity server = server(op);
            FirewallRuleEntity.delete("key.serverId", server.id);
            // its backups stay restorable for its retention period
            io.pgflex.provisioning.model.DeletedServerEntity.record(server, clock.instant(),
                    archivedUntil);
            server.delete();
            outbox.publish(new ServerDeleted(server.id.toString(), server.subscriptionId, op.id.toString(),
                    ServerDeleted.VERSION, server.name, clock.instant()));
            succeed(op.id);
        });
        LOG.infof("operation %s: server %s deleted with its data", op.id, s.name);
    }

    private void database(OperationEntity op) {
        ServerEntity s = QuarkusTransaction.requiringNew().call(() -> server(op));
        Map<String, String> d = detail(op);
        if (op.kind == OperationKind.CreateDatabase) {
            agent(s).createDatabase(s.instanceId, d.get("database"), new DatabaseSpec(d.get("database"), d.get("charset"),
                    d.get("collation")));
        } else {
            agent(s).dropDatabase(s.instanceId, d.get("database"));
        }
        QuarkusTransaction.requiringNew().run(() -> succeed(op.id));
    }

    /**
     * Waits (up to {@code pgflex.provisioning.endpoint.router-wait}) until the router has taken in route {@code generation}, and
     * when the server runs until its endpoint (and, with PgBouncer on, its PgBouncer port) leads to it. A router that is down or slow does not fail
     * the operation: the route waits in Kafka and the router applies it when it is back.
     */
    private void awaitRouter(ServerEntity s, long generation, boolean routable, boolean pgBouncer) {
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
    private static boolean routable(Target target) {
        return target.spec().desiredState() == InstanceSpec.DesiredState.Running && target.server().publicNetworkAccess;
    }

    private static boolean pgBouncer(Map<String, String> parameters) {
        return parameters != null && io.pgflex.provisioning.model.ParameterPolicy.on(parameters.get("pgbouncer.enabled"));
    }

    private interface Completion {
        PgflexEvent apply(ServerEntity server);
    }

    private void finish(OperationEntity op, Completion completion) {
        QuarkusTransaction.requiringNew().run(() -> {
            ServerEntity s = server(op);
            PgflexEvent event = completion.apply(s);
            s.updatedAt = clock.instant();
            if (event != null) {
                outbox.publish(event);
            }
            succeed(op.id);
        });
        LOG.infof("operation %s: %s of server %s succeeded", op.id, op.kind, op.serverName);
    }

    private void succeed(UUID operationId) {
        OperationEntity o = held(operationId);
        o.status = OperationStatus.Succeeded;
        o.step = "Done";
        o.percentComplete = 100;
        o.endedAt = clock.instant();
        o.leaseUntil = null;
    }

    private void retryOrFail(OperationEntity op, RuntimeException e) {
        String message = agentMessage(e);
        int attempts = QuarkusTransaction.requiringNew().call(() -> {
            OperationEntity o = held(op.id);
            o.attempts++;
            if (o.attempts < config.operationMaxAttempts()) {
                long backoff = Math.min(30_000, 1_000L << Math.min(o.attempts, 5));
                o.leaseUntil = clock.instant().plusMillis(backoff);
                o.step = "Retrying after: " + message;
            }
            return o.attempts;
        });
        if (attempts >= config.operationMaxAttempts()) {
            fail(op, "OperationFailed", message);
        } else {
            LOG.warnf("operation %s: %s failed (attempt %d of %d), retrying: %s", op.id, op.kind, attempts,
                    config.operationMaxAttempts(), message);
        }
    }

    /**
     * Ends the operation as Failed. A server whose creation failed is removed with its instance:
     * nothing half-made stays; when its instance cannot be removed now, the server is kept as
     * Dropping with a Delete queued, so the instance is not forgotten. A failed parameter change
     * is rolled back (the previous parameters are applied again).
     */
    private void fail(OperationEntity op, String code, String message) {
        LOG.errorf("operation %s: %s of server %s failed: %s", op.id, op.kind, op.serverName, message);
        QuarkusTransaction.requiringNew().run(() -> held(op.id));
        boolean instanceGone = true;
        if (op.kind == OperationKind.Create) {
            ServerEntity s = QuarkusTransaction.requiringNew().call(() -> ServerEntity.findById(op.serverId));
            if (s != null && s.agentId != null) {
                try {
                    agent(s).delete(s.instanceId);
                } catch (RuntimeException e) {
                    instanceGone = false;
                    LOG.warnf("operation %s: instance of failed server %s not removed yet (%s): a Delete is queued",
                            op.id, s.name, e.getMessage());
                }
            }
        }
        boolean removeServer = instanceGone;
        QuarkusTransaction.requiringNew().run(() -> {
            ServerEntity s = ServerEntity.lockById(op.serverId);
            OperationEntity o = held(op.id);
            o.status = OperationStatus.Failed;
            o.errorCode = code;
            o.errorMessage = message;
            o.endedAt = clock.instant();
            o.leaseUntil = null;
            if (s == null) {
                return;
            }
            outbox.publish(new ServerFailed(s.id.toString(), s.subscriptionId, op.id.toString(), ServerFailed.VERSION, s.name,
                    code, message, clock.instant()));
            if (op.kind == OperationKind.Create && removeServer) {
                FirewallRuleEntity.delete("key.serverId", s.id);
                s.delete();
                return;
            }
            if (op.kind == OperationKind.Create) {
                s.state = ServerState.Dropping;
                operations.start(s, OperationKind.Delete, "{\"reason\":\"failed create\"}");
            } else {
                s.state = ServerLifecycle.failed(op.kind, s.state);
            }
            String previous = detail(op).get("previousParameters");
            if (op.kind == OperationKind.ApplyConfiguration && previous != null && s.state != ServerState.Dropping) {
                s.parameters = previous;
                operations.start(s, OperationKind.ApplyConfiguration, "{\"rollback\":true}");
            }
            s.updatedAt = clock.instant();
        });
    }

    private void progress(UUID operationId, String step, int percent) {
        OperationEntity o = held(operationId);
        o.step = step;
        o.percentComplete = Math.max(o.percentComplete, percent);
        o.leaseUntil = clock.instant().plus(OperationRunner.LEASE);
    }

    private static void record(ServerEntity s, InstanceStatus status) {
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

    private ServerEntity server(OperationEntity op) {
        ServerEntity s = ServerEntity.lockById(op.serverId);
        if (s == null) {
            throw new Permanent("ResourceNotFound", "server " + op.serverName + " no longer exists");
        }
        return s;
    }

    private NodeAgentApi agent(ServerEntity s) {
        return agents.client(s.agentId);
    }

    private Map<String, String> detail(OperationEntity op) {
        try {
            Map<String, Object> raw = json.readValue(op.detail, new TypeReference<Map<String, Object>>() {
            });
            Map<String, String> out = new java.util.LinkedHashMap<>();
            raw.forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The agent's own error message when it gave one (ARM-shaped body), else the exception's. */
    private static String agentMessage(RuntimeException e) {
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
