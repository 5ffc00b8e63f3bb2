package io.pgflex.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.kafka.KafkaAccess.Decision;
import io.pgflex.kafka.KafkaAccess.Grant;
import io.pgflex.kafka.KafkaAccess.Kind;
import io.pgflex.kafka.KafkaAccess.Operation;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaAccessTest {
    static final List<String> AGENTS = List.of("agent-1", "agent-2");

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("provisioning-service", Operation.WRITE, "pgflex.servers", true,
                        "provisioning-service publishes ServerRequested, ServerProvisioned, ServerUpdated, ServerStarted, ServerStopped,"
                                + " ServerRestarted, ServerDeleted, ServerFailed, EndpointUpdated, HaDesired, FailoverRequested"),
                Arguments.of("provisioning-service", Operation.WRITE, "pgflex.backups", true,
                        "provisioning-service publishes RestoreCompleted"),
                Arguments.of("monitoring-service", Operation.WRITE, "pgflex.servers", false,
                        "monitoring-service may write only [pgflex.alerts, pgflex.servers.dlq, pgflex.metrics.dlq]"),
                Arguments.of("monitoring-service", Operation.READ, "pgflex.metrics", true, "monitoring-service consumes pgflex.metrics"),
                Arguments.of("ha-service", Operation.WRITE, "pgflex.ha", true,
                        "ha-service publishes StandbyReady, FailoverTriggered, FailoverCompleted, SwitchoverCompleted, HaDegraded, HaStateChanged, FailoverRefused"),
                Arguments.of("ha-service", Operation.WRITE, "pgflex.agent-heartbeats.dlq", false,
                        "ha-service may write only [pgflex.ha, pgflex.servers.dlq, pgflex.maintenance.dlq]"),
                Arguments.of("backup-service", Operation.READ, "pgflex.metrics", false,
                        "backup-service may read only [pgflex.servers, pgflex.ha]"),
                Arguments.of("node-agent.agent-1", Operation.WRITE, "pgflex.agent-heartbeats", true,
                        "node-agent.agent-1 publishes InstanceHeartbeat of its instances"),
                Arguments.of("node-agent.agent-1", Operation.WRITE, "pgflex.servers", false,
                        "node-agent.agent-1 may write only [pgflex.agent-heartbeats, pgflex.metrics]"),
                Arguments.of("node-agent.agent-1", Operation.READ, "pgflex.servers", true,
                        "node-agent.agent-1 its router follows EndpointUpdated and ServerDeleted"),
                Arguments.of("node-agent.agent-9", Operation.WRITE, "pgflex.metrics", false,
                        "node-agent.agent-9 holds no rights on this broker"),
                Arguments.of("CN=intruder,O=elsewhere", Operation.WRITE, "pgflex.servers", false,
                        "CN=intruder,O=elsewhere holds no rights on this broker"),
                Arguments.of(null, Operation.WRITE, "pgflex.servers", false, "no client certificate: the broker refuses the connection"),
                Arguments.of("kafka-admin", Operation.WRITE, "pgflex.servers", true, "kafka-admin is a super user"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("scenarios")
    void decidesWithReason(String principal, Operation op, String topic, boolean allowed, String reason) {
        assertEquals(new Decision(allowed, reason), KafkaAccess.decide(principal, op, topic, AGENTS));
    }

    @Test
    void everyTopicHasExactlyOnePublisherPrincipalAmongTheServicesOrTheAgents() {
        for (String topic : io.pgflex.contracts.events.Topics.ALL) {
            long writers = KafkaAccess.grants(List.of("agent-1")).stream()
                    .filter(g -> g.kind() == Kind.TOPIC && g.name().equals(topic) && g.operation() == Operation.WRITE).count();
            // pgflex.backups: backup-service and provisioning-service (RestoreCompleted of its restore workflow)
            assertEquals(topic.equals("pgflex.backups") ? 2 : 1, writers, topic);
        }
    }

    @Test
    void anAgentIdThatIsNotAPlainNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> KafkaAccess.agent("a,b;User:*"));
    }

    /** The table follows what each service's channels subscribe to and dead-letter, as configured. */
    @ParameterizedTest
    @MethodSource("services")
    void grantsMatchTheServiceChannels(String service) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("..", service, "src/main/resources/application.properties"))) {
            p.load(r);
        }
        List<Grant> grants = KafkaAccess.grants(List.of()).stream().filter(g -> g.principal().equals(service)).toList();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".topic")) {
                String channel = key.substring("mp.messaging.incoming.".length(), key.length() - ".topic".length());
                if (channel.contains(".")) {
                    continue; // the channel's dead-letter topic, checked below
                }
                String topic = p.getProperty(key);
                String group = p.getProperty("mp.messaging.incoming." + channel + ".group.id");
                assertTrue(has(grants, Kind.TOPIC, topic, Operation.READ), service + " reads " + topic);
                assertTrue(has(grants, Kind.GROUP, group, Operation.READ), service + " uses group " + group);
                String dlq = p.getProperty("mp.messaging.incoming." + channel + ".dead-letter-queue.topic");
                if (dlq != null) {
                    assertTrue(has(grants, Kind.TOPIC, dlq, Operation.WRITE), service + " dead-letters to " + dlq);
                }
            }
            if (key.startsWith("mp.messaging.outgoing.") && key.endsWith(".topic")) {
                assertTrue(has(grants, Kind.TOPIC, p.getProperty(key), Operation.WRITE), service + " writes " + p.getProperty(key));
            }
        }
    }

    /**
     * Every event a service's main code builds (to publish it through its outbox) is of a type whose
     * topic the service may write: a missing grant would stop its whole outbox at that event.
     */
    @ParameterizedTest
    @MethodSource("services")
    void grantsCoverEveryEventTheServiceBuilds(String service) throws IOException {
        List<Grant> grants = KafkaAccess.grants(List.of()).stream().filter(g -> g.principal().equals(service)).toList();
        String code;
        try (Stream<Path> files = Files.walk(Path.of("..", service, "src/main/java"))) {
            code = files.filter(f -> f.toString().endsWith(".java")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(java.util.stream.Collectors.joining("\n"));
        }
        for (io.pgflex.contracts.events.EventType type : io.pgflex.contracts.events.EventType.values()) {
            String name = type.payloadType().getSimpleName();
            if (java.util.regex.Pattern.compile("new (io\\.pgflex\\.contracts\\.events\\.)?" + name + "\\(").matcher(code).find()) {
                assertTrue(has(grants, Kind.TOPIC, type.topic(), Operation.WRITE), service + " builds " + name + " for " + type.topic());
            }
        }
    }

    static Stream<String> services() {
        return KafkaAccess.services().stream();
    }

    private static boolean has(List<Grant> grants, Kind kind, String name, Operation op) {
        return grants.stream().anyMatch(g -> g.kind() == kind && g.name().equals(name) && g.operation() == op);
    }
}
