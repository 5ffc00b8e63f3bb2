package io.pgflex.testkit;

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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

/**
 * A real Apache Kafka broker for tests. Without a Docker engine it is Kafka's own KRaft server in
 * combined mode (broker and controller, one node) inside this JVM; with one, Testcontainers'
 * Kafka container. One broker per test JVM ({@link #shared()}); it can be stopped and started again
 * on the same port and log directory to test what happens while Kafka is away.
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

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
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

        private InJvm(Properties config, Path logDir, int port) {
            this.config = config;
            this.logDir = logDir;
            this.port = port;
        }

        static InJvm launch() {
            try {
                Path dir = Files.createTempDirectory("pgflex-test-kafka-");
                int port = freePort();
                int controllerPort = freePort();
                Properties p = new Properties();
                p.put("process.roles", "broker,controller");
                p.put("node.id", "1");
                p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
                p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
                p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
                p.put("controller.listener.names", "CONTROLLER");
                p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
                p.put("inter.broker.listener.name", "PLAINTEXT");
                p.put("log.dirs", dir.resolve("data").toString());
                p.put("offsets.topic.replication.factor", "1");
                p.put("transaction.state.log.replication.factor", "1");
                p.put("transaction.state.log.min.isr", "1");
                p.put("share.coordinator.state.topic.replication.factor", "1");
                p.put("share.coordinator.state.topic.min.isr", "1");
                p.put("group.initial.rebalance.delay.ms", "0");
                p.put("num.partitions", "3");
                p.put("auto.create.topics.enable", "true");
                Path file = dir.resolve("server.properties");
                try (var out = Files.newOutputStream(file)) {
                    p.store(out, "pgflex test broker");
                }
                format(file);
                InJvm broker = new InJvm(p, dir, port);
                broker.start();
                LOG.infof("in-JVM Kafka broker (KRaft) on 127.0.0.1:%d, data in %s", port, dir);
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
            return "127.0.0.1:" + port;
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

        static Docker launch() {
            var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.2");
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
