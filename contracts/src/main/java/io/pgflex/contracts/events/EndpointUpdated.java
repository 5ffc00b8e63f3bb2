package io.pgflex.contracts.events;

import io.pgflex.contracts.agent.InstanceSpec.FirewallRange;
import java.time.Instant;
import java.util.List;

/**
 * The whole routing of a server's stable endpoint, as the router needs it: its ports, who may
 * connect, and the instances that may be its primary (health checks pick the one that is). Each
 * event replaces the previous one of the server; {@code generation} only grows, so a redelivered
 * older event is ignored. Topic {@link Topics#SERVERS}.
 *
 * @param host               the endpoint's host name (fullyQualifiedDomainName)
 * @param port               the endpoint's port: always the current primary
 * @param pgBouncerPort      the endpoint's PgBouncer port: the current primary's PgBouncer
 * @param allowedRanges      client IPv4 ranges admitted (firewall rules); none admits no one
 * @param members            every instance of the server
 */
public record EndpointUpdated(
        String serverId,
        String subscriptionId,
        String operationId,
        int version,
        String name,
        long generation,
        String host,
        int port,
        int pgBouncerPort,
        boolean publicNetworkAccess,
        List<FirewallRange> allowedRanges,
        List<EndpointMember> members,
        Instant updatedAt) implements PgflexEvent {
    public static final int VERSION = 1;

    /**
     * One instance behind the endpoint.
     *
     * @param checkHost where its node agent answers health checks (HTTP)
     * @param checkPort the node agent's HTTP port
     */
    public record EndpointMember(String instanceId, String agentId, String host, int port, int pgBouncerPort,
                                 String checkHost, int checkPort) {
    }
}
