package io.pgflex.kafka;

import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.Topics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may do what on the platform's Kafka, as a pure table. A principal is the CN of the
 * component's certificate ({@code provisioning-service}, {@code node-agent.agent-1}, ...). Each
 * publisher may write only the topics of the event types it owns; a consumer may read its topics
 * with its own consumer group and write the dead-letter topic of a topic it reads; nobody else may
 * do anything. The broker ({@link #BROKER}) and the setup tool ({@link #ADMIN}) are the only super
 * users. {@link KafkaSetup} turns {@link #grants} into the broker's ACLs.
 */
public final class KafkaAccess {
    /** The broker's own identity (inter-broker and controller traffic). */
    public static final String BROKER = "kafka";
    /** The setup tool's identity: creates topics and ACLs; nothing in the product runs as it. */
    public static final String ADMIN = "kafka-admin";
    public static final String AGENT_PREFIX = "node-agent.";
    private static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public enum Operation { READ, WRITE }

    public enum Kind { TOPIC, GROUP }

    /** One right of one principal, with why it holds it. */
    public record Grant(String principal, Kind kind, String name, Operation operation, String reason) {
    }

    /** The answer to "may principal do operation on topic", with the reason. */
    public record Decision(boolean allowed, String reason) {
    }

    /** A subscription of a component: what it reads, with which group, and whether it dead-letters. */
    private record Reads(String topic, String group, boolean deadLetters) {
    }

    private record Component(Set<EventType> publishes, List<Reads> reads) {
    }

    private static final Map<String, Component> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("provisioning-service", new Component(EnumSet.of(EventType.SERVER_REQUESTED, EventType.SERVER_PROVISIONED,
                EventType.SERVER_UPDATED, EventType.SERVER_STARTED, EventType.SERVER_STOPPED, EventType.SERVER_RESTARTED,
                EventType.SERVER_DELETED, EventType.SERVER_FAILED, EventType.ENDPOINT_UPDATED, EventType.HA_DESIRED,
                EventType.FAILOVER_REQUESTED, EventType.RESTORE_COMPLETED),
                List.of(new Reads(Topics.HA, "provisioning-service", true), new Reads(Topics.BACKUPS, "provisioning-service", true),
                        new Reads(Topics.ALERTS, "provisioning-service", true),
                        new Reads(Topics.MAINTENANCE, "provisioning-service", true))));
        SERVICES.put("ha-service", new Component(EnumSet.of(EventType.STANDBY_READY, EventType.FAILOVER_TRIGGERED,
                EventType.FAILOVER_COMPLETED, EventType.SWITCHOVER_COMPLETED, EventType.HA_DEGRADED, EventType.HA_STATE_CHANGED,
                EventType.FAILOVER_REFUSED),
                List.of(new Reads(Topics.SERVERS, "ha-service", true), new Reads(Topics.MAINTENANCE, "ha-service", true),
                        new Reads(Topics.AGENT_HEARTBEATS, "ha-service-heartbeats", false))));
        SERVICES.put("backup-service", new Component(EnumSet.of(EventType.BACKUP_STARTED, EventType.BACKUP_COMPLETED,
                EventType.BACKUP_FAILED, EventType.BACKUP_EXPIRED, EventType.RESTORE_DRILL_COMPLETED),
                List.of(new Reads(Topics.SERVERS, "backup-service", true), new Reads(Topics.HA, "backup-service", true))));
        SERVICES.put("maintenance-service", new Component(EnumSet.of(EventType.MAINTENANCE_SCHEDULED,
                EventType.MAINTENANCE_STARTED, EventType.MAINTENANCE_COMPLETED, EventType.MAINTENANCE_FAILED,
                EventType.HA_MAINTENANCE_REQUESTED),
                List.of(new Reads(Topics.SERVERS, "maintenance-service", true), new Reads(Topics.HA, "maintenance-service", true))));
        SERVICES.put("monitoring-service", new Component(EnumSet.of(EventType.ALERT_FIRED, EventType.ALERT_RESOLVED,
                EventType.STORAGE_LEVEL_CHANGED),
                List.of(new Reads(Topics.SERVERS, "monitoring-service", true), new Reads(Topics.METRICS, "monitoring-service", true))));
    }

    private KafkaAccess() {
    }

    /** The services that hold Kafka rights, in a stable order. */
    public static List<String> services() {
        return List.copyOf(SERVICES.keySet());
    }

    /** The principal of node agent {@code agentId}. */
    public static String agent(String agentId) {
        if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
            throw new IllegalArgumentException("agent id must be [a-z0-9-]+, not '" + agentId + "'");
        }
        return AGENT_PREFIX + agentId;
    }

    /** The consumer group of agent {@code agentId}'s router. */
    public static String routerGroup(String agentId) {
        return "pgflex-router-" + agentId;
    }

    /** Every right of every service and of the given agents; nothing else is allowed. */
    public static List<Grant> grants(List<String> agentIds) {
        List<Grant> all = new ArrayList<>();
        SERVICES.forEach((name, c) -> all.addAll(grants(name, c)));
        for (String id : agentIds) {
            all.addAll(agentGrants(id));
        }
        return List.copyOf(all);
    }

    private static List<Grant> grants(String principal, Component c) {
        List<Grant> g = new ArrayList<>();
        Map<String, List<String>> byTopic = c.publishes().stream().collect(Collectors.groupingBy(EventType::topic,
                LinkedHashMap::new, Collectors.mapping(t -> t.payloadType().getSimpleName(), Collectors.toList())));
        byTopic.forEach((topic, types) -> g.add(new Grant(principal, Kind.TOPIC, topic, Operation.WRITE,
                "publishes " + String.join(", ", types))));
        for (Reads r : c.reads()) {
            g.add(new Grant(principal, Kind.TOPIC, r.topic(), Operation.READ, "consumes " + r.topic()));
            if (r.deadLetters()) {
                g.add(new Grant(principal, Kind.TOPIC, Topics.dlq(r.topic()), Operation.WRITE,
                        "dead-letters what it cannot handle from " + r.topic()));
            }
        }
        c.reads().stream().map(Reads::group).distinct().forEach(group ->
                g.add(new Grant(principal, Kind.GROUP, group, Operation.READ, "its own consumer group")));
        return g;
    }

    /** The rights of node agent {@code agentId}. */
    public static List<Grant> agentGrants(String agentId) {
        String p = agent(agentId);
        return List.of(
                new Grant(p, Kind.TOPIC, Topics.AGENT_HEARTBEATS, Operation.WRITE, "publishes InstanceHeartbeat of its instances"),
                new Grant(p, Kind.TOPIC, Topics.METRICS, Operation.WRITE, "publishes MetricsReported of its instances"),
                new Grant(p, Kind.TOPIC, Topics.SERVERS, Operation.READ, "its router follows EndpointUpdated and ServerDeleted"),
                new Grant(p, Kind.TOPIC, Topics.HA, Operation.READ, "its router follows FailoverTriggered and StandbyReady"),
                new Grant(p, Kind.GROUP, routerGroup(agentId), Operation.READ, "its router's own consumer group"));
    }

    /** What the broker answers {@code principal} for {@code operation} on {@code topic}, and why. */
    public static Decision decide(String principal, Operation operation, String topic, List<String> agentIds) {
        if (principal == null || principal.isBlank()) {
            return new Decision(false, "no client certificate: the broker refuses the connection");
        }
        if (BROKER.equals(principal) || ADMIN.equals(principal)) {
            return new Decision(true, principal + " is a super user");
        }
        List<Grant> own = grants(agentIds).stream().filter(g -> g.principal().equals(principal)).toList();
        if (own.isEmpty()) {
            return new Decision(false, principal + " holds no rights on this broker");
        }
        return own.stream().filter(g -> g.kind() == Kind.TOPIC && g.name().equals(topic) && g.operation() == operation)
                .findFirst().map(g -> new Decision(true, principal + " " + g.reason()))
                .orElseGet(() -> new Decision(false, principal + " may " + operation.name().toLowerCase() + " only "
                        + own.stream().filter(g -> g.kind() == Kind.TOPIC && g.operation() == operation).map(Grant::name)
                        .collect(Collectors.joining(", ", "[", "]"))));
    }
}
