package io.pgflex.contracts.events;

/** One instance of an HA server: where it runs. */
public record HaMember(String agentId, String instanceId, String host, int port, String zone) {
}
