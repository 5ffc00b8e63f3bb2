package io.pgflex.contracts.agent;

/** The other end of a replication connection: an instance and the address its PostgreSQL listens on. */
public record HaPeer(String instanceId, String host, int port) {
    /** The replication slot and application_name of a standby instance (PostgreSQL allows [a-z0-9_]). */
    public static String slotName(String instanceId) {
        return "pgflex_" + instanceId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
