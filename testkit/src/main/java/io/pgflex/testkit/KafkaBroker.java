package io.pgflex.testkit;

import io.pgflex.kafka.KafkaAccess;
import io.pgflex.kafka.KafkaSetup;
import io.pgflex.kafka.KafkaTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

/**
 * A real Apache Kafka broker for tests, secured as the platform's: mutual TLS only with the test
 * {@link Pki}'s certificates, principals from their CN, and the ACLs of kafka-access's
 * {@link KafkaAccess} applied by its {@link KafkaSetup} (with every topic) before a test sees it.
 * Without a Docker engine it is Kafka's own KRaft server in combined mode (broker and controller,
 * one node) inside this JVM, configured by {@link KafkaTls#broker} like the local stack's; with one,
 * Testcontainers' Kafka container. One broker per test JVM ({@link #shared()}); it can be stopped and
 * started again on the same port and log directory to test what happens while Kafka is away.
 * Why this long: two brokers (in-JVM KRaft, Testcontainers) behind one API, with the platform's TLS and ACLs.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);
    private static KafkaBroker shared;

    private final Backend backend;

    private KafkaBroker(Backend backend) {
        this.backend = backend;
    }

    /** The broker of this test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            KafkaBroker broker = new KafkaBroker(Docker.available() ? Docker.launch() : InJvm.launch());
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
            broker.awaitReady();
            broker.setUp();
            shared = broker;
        }
        return shared;
    }

    public String bootstrapServers() {
        return backend.bootstrapServers();
    }

    /** Stops the broker; clients see it gone until {@link #start()}. */
    public void stop() {
        backend.stop();
    }

    /** Starts the broker again on the same address, with the data it had. */
    public void start() {
        backend.start();
        awaitReady();
    }

    /** An admin client as the setup tool's super user ({@link KafkaAccess#ADMIN}). */
    public Admin admin() {
        return KafkaSetup.admin(bootstrapServers(), Pki.pem(KafkaAccess.ADMIN), Pki.ca());
    }

    /**
     * The client settings of component {@code identity} (its certificate; null: none, which the
     * broker refuses): address and mutual TLS, to which a test adds serializers, group and so on.
     */
    public Map<String, Object> clientConfig(String identity) {
        Map<String, Object> c = new java.util.HashMap<>(KafkaTls.client(identity == null ? null : Pki.pem(identity), Pki.ca()));
        c.put("bootstrap.servers", bootstrapServers());
        return c;
    }

    /** Grants node agent {@code agentId} its Kafka rights (the local stack's setup does it for its agents). */
    public void allowAgent(String agentId) {
        try (Admin admin = admin()) {
            new KafkaSetup(admin).allowAgent(agentId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot grant agent " + agentId + " its Kafka ACLs", e);
        }
    }

    /** Every topic and the services' ACLs, as {@code ./pgflex up} makes them. */
    private void setUp() {
        try (Admin admin = admin()) {
            KafkaSetup setup = new KafkaSetup(admin);
            setup.ensureTopics(3, (short) 1);
            setup.syncAcls(List.of());
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the test broker's topics and ACLs", e);
        }
    }

    /** Creates topics with {@code partitions} partitions; existing ones are left as they are. */
    public void createTopics(int partitions, List<String> names) {
        try (Admin admin = admin()) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name, e);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create topic " + name, e);
                }
            }
        }
    }

    private void awaitReady() {
        Awaitility.await("kafka broker at " + bootstrapServers()).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    try (Admin admin = admin()) {
                        return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                    }
                });
    }

    @Override
    public void close() {
        backend.close();
    }

    private interface Backend extends AutoCloseable {
        String bootstrapServers();

        void stop();

        void start();

        @Override
        void close();
    }

    /** Kafka's KRaft server in this JVM. */
    private static final class InJvm implements Backend {
        private final Properties config;
        private final Path logDir;
        private final int port;
        private kafka.server.KafkaRaftServer server;

        private final String host;

        private InJvm(Properties config, Path logDir, String host, int port) {
            this.config = config;
            this.logDir = logDir;
            this.host = host;
            this.port = port;
        }

        static InJvm launch() {
            try {
                Path dir = Files.createTempDirectory("pgflex-test-kafka-");
                int port = freePort();
                int controllerPort = freePort();
                // with separate database hosts, on the bridge's platform address (the hosts and this JVM both reach it)
                String host = NetHosts.enabled() ? NetHosts.shared().platformAddress() : "127.0.0.1";
                Properties p = KafkaTls.broker(host, port, controllerPort, dir.resolve("data"), Pki.pem(KafkaAccess.BROKER), Pki.ca());
                Path file = dir.resolve("server.properties");
                try (var out = Files.newOutputStream(file)) {
                    p.store(out, "pgflex test broker");
                }
                format(file);
                InJvm broker = new InJvm(p, dir, host, port);
                broker.start();
                LOG.infof("in-JVM Kafka broker (KRaft, mutual TLS, ACLs) on %s:%d, data in %s", host, port, dir);
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void format(Path configFile) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            String clusterId = Uuid.randomUuid().toString();
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", configFile.toString()},
                    new PrintStream(buffer, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed: " + buffer.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public String bootstrapServers() {
            return host + ":" + port;
        }

        @Override
        public synchronized void start() {
            if (server == null) {
                server = new kafka.server.KafkaRaftServer(kafka.server.KafkaConfig.fromProps(config, false),
                        org.apache.kafka.common.utils.Time.SYSTEM);
                server.startup();
            }
        }

        @Override
        public synchronized void stop() {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
                server = null;
            }
        }

        @Override
        public void close() {
            stop();
            Dirs.delete(logDir);
        }
    }

    /** Testcontainers' Kafka, loaded only when a Docker engine answers. */
    private static final class Docker implements Backend {
        private final org.testcontainers.kafka.KafkaContainer container;

        private Docker(org.testcontainers.kafka.KafkaContainer container) {
            this.container = container;
        }

        static boolean available() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                return false;
            }
        }

        /**
         * The container's client listener (PLAINTEXT in Testcontainers' naming) speaks mutual TLS with
         * the broker's certificate and the same principal rules and authorizer as the in-JVM broker; its
         * inter-broker and controller listeners stay inside the container (their principal ANONYMOUS
         * is a super user there). Written for machines with a Docker engine; this one has none.
         */
        static Docker launch() {
            var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.2")
                    .withCopyFileToContainer(org.testcontainers.utility.MountableFile.forHostPath(Pki.pem(KafkaAccess.BROKER), 0644),
                            "/etc/pgflex/kafka.pem")
                    .withCopyFileToContainer(org.testcontainers.utility.MountableFile.forHostPath(Pki.ca(), 0644), "/etc/pgflex/ca.crt")
                    .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "BROKER:PLAINTEXT,PLAINTEXT:SSL,CONTROLLER:PLAINTEXT")
                    .withEnv("KAFKA_SSL_CLIENT_AUTH", "required")
                    .withEnv("KAFKA_SSL_KEYSTORE_TYPE", "PEM")
                    .withEnv("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/pgflex/kafka.pem")
                    .withEnv("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
                    .withEnv("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/pgflex/ca.crt")
                    .withEnv("KAFKA_SSL_PRINCIPAL_MAPPING_RULES", KafkaTls.PRINCIPAL_RULES)
                    .withEnv("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .withEnv("KAFKA_SUPER_USERS", "User:" + KafkaAccess.BROKER + ";User:" + KafkaAccess.ADMIN + ";User:ANONYMOUS")
                    .withEnv("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
                    .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            container.start();
            return new Docker(container);
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public void stop() {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void start() {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();

    /**
     * A port free right now that this JVM has not handed out before: the system may offer the same
     * ephemeral port to two calls in a row (a broker and its controller got one port once).
     */
    static synchronized int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
