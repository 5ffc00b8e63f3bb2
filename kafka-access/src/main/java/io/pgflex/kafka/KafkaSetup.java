package io.pgflex.kafka;

import io.pgflex.contracts.events.Topics;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Prepares the platform's broker: every topic and its dead-letter topic, and exactly the ACLs of
 * {@link KafkaAccess} (missing ones added, ones of a managed principal that the table no longer
 * holds removed). Runs as {@link KafkaAccess#ADMIN}; the services create nothing themselves.
 *
 * <pre>
 *   KafkaSetup broker-config PORT CONTROLLER_PORT DATA_DIR BROKER_PEM CA      prints server.properties
 *   KafkaSetup apply BOOTSTRAP ADMIN_PEM CA [--agents a,b] [--partitions 3] [--replication-factor 1]
 *   KafkaSetup try-write BOOTSTRAP PEM|- CA TOPIC     can this certificate (-: none) write TOPIC? exit 0 written,
 *                                                     3 refused by the ACLs, 4 refused at the TLS handshake
 * </pre>
 */
public final class KafkaSetup {
    private final Admin admin;

    public KafkaSetup(Admin admin) {
        this.admin = admin;
    }

    /** An admin client as {@link KafkaAccess#ADMIN} ({@code pem}: its certificate and key). */
    public static Admin admin(String bootstrap, Path pem, Path ca) {
        Map<String, Object> c = new HashMap<>(KafkaTls.client(pem, ca));
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "pgflex-kafka-setup");
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(c);
    }

    /** Creates the missing topics (existing ones are left as they are) and keeps pgflex.servers for good. */
    public List<String> ensureTopics(int partitions, short replicationFactor) throws Exception {
        Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : Topics.ALL) {
            for (String name : List.of(topic, Topics.dlq(topic))) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, replicationFactor));
                }
            }
        }
        if (!missing.isEmpty()) {
            try {
                admin.createTopics(missing).all().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        // a router that starts without its saved routes (a new host, a lost disk) rebuilds every
        // endpoint from pgflex.servers, however old the server: the topic is never truncated
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.SERVERS),
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET))))
                .all().get(15, TimeUnit.SECONDS);
        return missing.stream().map(NewTopic::name).toList();
    }

    /** The result of {@link #syncAcls}: how many bindings were added and removed. */
    public record AclChange(int added, int removed) {
    }

    /**
     * Makes the ACLs of the services and of {@code agentIds} exactly those of {@link KafkaAccess}.
     * ACLs of other principals (other agents, an operator's own) are left alone.
     */
    public AclChange syncAcls(List<String> agentIds) throws Exception {
        List<AclBinding> wanted = bindings(KafkaAccess.grants(agentIds));
        Set<String> managed = new HashSet<>();
        KafkaAccess.services().forEach(s -> managed.add("User:" + s));
        agentIds.forEach(a -> managed.add("User:" + KafkaAccess.agent(a)));
        Set<AclBinding> present = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get(15, TimeUnit.SECONDS));
        List<AclBinding> add = wanted.stream().filter(b -> !present.contains(b)).toList();
        Set<AclBinding> wantedSet = new HashSet<>(wanted);
        List<AclBindingFilter> remove = present.stream()
                .filter(b -> managed.contains(b.entry().principal()) && !wantedSet.contains(b))
                .map(AclBinding::toFilter).toList();
        if (!add.isEmpty()) {
            admin.createAcls(add).all().get(15, TimeUnit.SECONDS);
        }
        if (!remove.isEmpty()) {
            admin.deleteAcls(remove).all().get(15, TimeUnit.SECONDS);
        }
        return new AclChange(add.size(), remove.size());
    }

    /** Adds the ACLs of one more node agent (a test starting agents one by one). */
    public void allowAgent(String agentId) throws Exception {
        admin.createAcls(bindings(KafkaAccess.agentGrants(agentId))).all().get(15, TimeUnit.SECONDS);
    }

    static List<AclBinding> bindings(List<KafkaAccess.Grant> grants) {
        return grants.stream().map(g -> new AclBinding(
                new ResourcePattern(g.kind() == KafkaAccess.Kind.TOPIC ? ResourceType.TOPIC : ResourceType.GROUP, g.name(),
                        PatternType.LITERAL),
                new AccessControlEntry("User:" + g.principal(), "*",
                        g.operation() == KafkaAccess.Operation.READ ? AclOperation.READ : AclOperation.WRITE,
                        AclPermissionType.ALLOW))).toList();
    }

    /** Waits until the broker answers (it may still be starting). */
    public void awaitBroker(Duration atMost) throws InterruptedException {
        Instant deadline = Instant.now().plus(atMost);
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka did not answer within " + atMost + ": " + e.getMessage(), e);
                }
            }
            Thread.sleep(250);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 6 && args[0].equals("broker-config")) {
            // broker-config PORT CONTROLLER_PORT DATA_DIR PEM CA [HOST]
            StringWriter out = new StringWriter();
            KafkaTls.broker(args.length >= 7 ? args[6] : "127.0.0.1", Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Path.of(args[3]), Path.of(args[4]), Path.of(args[5]))
                    .store(out, "pgflex broker: mutual TLS, ACLs (written by KafkaSetup broker-config)");
            System.out.print(out);
            return;
        }
        if (args.length >= 4 && args[0].equals("apply")) {
            Map<String, String> opts = options(Arrays.copyOfRange(args, 4, args.length));
            List<String> agents = opts.getOrDefault("--agents", "").isBlank() ? List.of()
                    : List.of(opts.get("--agents").split(","));
            try (Admin admin = admin(args[1], Path.of(args[2]), Path.of(args[3]))) {
                KafkaSetup setup = new KafkaSetup(admin);
                setup.awaitBroker(Duration.ofSeconds(60));
                List<String> created = setup.ensureTopics(Integer.parseInt(opts.getOrDefault("--partitions", "3")),
                        Short.parseShort(opts.getOrDefault("--replication-factor", "1")));
                System.out.println(created.isEmpty() ? "topics: all present" : "topics created: " + String.join(", ", created));
                AclChange change = setup.syncAcls(agents);
                System.out.println("ACLs: " + change.added() + " added, " + change.removed() + " removed; principals "
                        + KafkaAccess.grants(agents).stream().map(KafkaAccess.Grant::principal).distinct()
                        .collect(Collectors.joining(", ")));
            }
            return;
        }
        if (args.length == 5 && args[0].equals("try-write")) {
            WriteAttempt attempt = tryWrite(args[1], args[2].equals("-") ? null : Path.of(args[2]), Path.of(args[3]), args[4]);
            System.out.println(attempt.detail());
            System.exit(attempt.outcome().exitCode);
        }
        System.err.println("usage: KafkaSetup broker-config PORT CONTROLLER_PORT DATA_DIR BROKER_PEM CA\n"
                + "       KafkaSetup apply BOOTSTRAP ADMIN_PEM CA [--agents a,b] [--partitions N] [--replication-factor N]\n"
                + "       KafkaSetup try-write BOOTSTRAP PEM|- CA TOPIC");
        System.exit(2);
    }

    /** What became of a write: exit codes of {@code try-write} 0, 3, 4 and 1. */
    public enum WriteOutcome {
        WRITTEN(0), REFUSED_BY_ACLS(3), REFUSED_AT_HANDSHAKE(4), FAILED(1);

        final int exitCode;

        WriteOutcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    public record WriteAttempt(WriteOutcome outcome, String detail) {
    }

    /**
     * Tries to write one record (type pgflex.SelfCheck, which no consumer handles) as the holder of
     * {@code pem} (null: no certificate). For checks that a component may not write a topic: a
     * written record means the boundary is open, and the record is dead-lettered by its consumers.
     */
    public static WriteAttempt tryWrite(String bootstrap, Path pem, Path ca, String topic) {
        Map<String, Object> c = new HashMap<>(KafkaTls.client(pem, ca));
        c.put("bootstrap.servers", bootstrap);
        c.put("max.block.ms", 10_000);
        c.put("request.timeout.ms", 5_000);
        c.put("delivery.timeout.ms", 10_000);
        c.put("acks", "all");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(c,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(topic, "pgflex-self-check", new byte[0]);
            record.headers().add("ce_type", "pgflex.SelfCheck".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get(15, TimeUnit.SECONDS);
            return new WriteAttempt(WriteOutcome.WRITTEN, "written to " + topic);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                    return new WriteAttempt(WriteOutcome.REFUSED_BY_ACLS, "refused by the ACLs: " + t.getMessage());
                }
                if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                    return new WriteAttempt(WriteOutcome.REFUSED_AT_HANDSHAKE, "refused at the TLS handshake: " + t.getMessage());
                }
            }
            return new WriteAttempt(WriteOutcome.FAILED, "failed: " + e);
        }
    }

    private static Map<String, String> options(String[] rest) throws IOException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < rest.length; i += 2) {
            if (!rest[i].startsWith("--")) {
                throw new IOException("unexpected argument " + rest[i]);
            }
            o.put(rest[i], rest[i + 1]);
        }
        return o;
    }
}
