package io.pgflex.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The TLS settings of the platform's Kafka, in one place for the broker and its clients: mutual TLS
 * with certificates of the platform CA, the principal is the certificate's CN, an ACL decides
 * every request ({@link KafkaAccess}), and nothing is allowed where no ACL says so.
 */
public final class KafkaTls {
    /** CN=name,O=pgflex (RFC 2253, as the broker reads the certificate) becomes principal User:name. */
    public static final String PRINCIPAL_RULES = "RULE:^CN=([a-z0-9][a-z0-9.-]*),O=pgflex$/$1/,DEFAULT";

    private KafkaTls() {
    }

    /**
     * A client's settings: {@code pem} holds the component's certificate and key (pki.sh's NAME.pem;
     * null: none, which the broker refuses), {@code ca} the platform CA; the broker's name (127.0.0.1
     * locally) is verified against its certificate.
     */
    public static Map<String, Object> client(Path pem, Path ca) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("security.protocol", "SSL");
        if (pem != null) {
            c.put("ssl.keystore.type", "PEM");
            c.put("ssl.keystore.location", pem.toString());
        }
        c.put("ssl.truststore.type", "PEM");
        c.put("ssl.truststore.location", ca.toString());
        c.put("ssl.endpoint.identification.algorithm", "https");
        return c;
    }

    /**
     * A single-node KRaft broker (broker and controller in one process) on 127.0.0.1 whose both
     * listeners speak mutual TLS only; {@code pem} is the broker's certificate and key (CN {@link KafkaAccess#BROKER}).
     */
    public static Properties broker(int port, int controllerPort, Path dataDir, Path pem, Path ca) {
        return broker("127.0.0.1", port, controllerPort, dataDir, pem, ca);
    }

    /**
     * The same broker with its client listener on {@code host} (the address clients reach it at, and
     * that it advertises: the platform side of separate database hosts); the controller stays on loopback.
     */
    public static Properties broker(String host, int port, int controllerPort, Path dataDir, Path pem, Path ca) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "SSL://" + host + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SSL://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "SSL:SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SSL");
        p.putAll(client(pem, ca)); // the same keystore and CA serve both sides (it is its controller's client too)
        p.remove("security.protocol");
        p.put("ssl.client.auth", "required");
        p.put("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
        p.put("ssl.principal.mapping.rules", PRINCIPAL_RULES);
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + KafkaAccess.BROKER + ";User:" + KafkaAccess.ADMIN);
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the log cleaner (compacted __consumer_offsets) allocates its dedupe buffer at start: 128 MiB by default,
        // half of the local broker's 256 MiB heap, and a restart with recovered logs ran out of heap in CI
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }
}
