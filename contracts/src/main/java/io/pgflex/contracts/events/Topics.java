package io.pgflex.contracts.events;

import java.util.List;

/** Kafka topic names. Every record's key is the server id, so all events of one server are ordered. */
public final class Topics {
    public static final String SERVERS = "pgflex.servers";
    public static final String HA = "pgflex.ha";
    public static final String BACKUPS = "pgflex.backups";
    public static final String MAINTENANCE = "pgflex.maintenance";
    public static final String ALERTS = "pgflex.alerts";
    public static final String AGENT_HEARTBEATS = "pgflex.agent-heartbeats";
    public static final String METRICS = "pgflex.metrics";

    /** Suffix of the dead-letter topic beside each topic: {@code <topic>.dlq}. */
    public static final String DLQ_SUFFIX = ".dlq";

    public static final List<String> ALL = List.of(SERVERS, HA, BACKUPS, MAINTENANCE, ALERTS, AGENT_HEARTBEATS, METRICS);

    private Topics() {
    }

    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
