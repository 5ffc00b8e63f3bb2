package io.pgflex.provisioning.endpoint;

import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.InstanceSpec.FirewallRange;
import io.pgflex.contracts.events.EndpointUpdated.EndpointMember;
import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.model.FirewallRuleEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.placement.Placement;
import io.pgflex.support.errors.ArmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * The stable endpoint of each server: its port on the router (handed out once, at create) and the
 * route the router is told about through {@link EndpointUpdated} events.
 */
@ApplicationScoped
public class Endpoints {
    /** A server's instance runs its PgBouncer on the instance port plus this (the node agent's rule). */
    public static final int INSTANCE_PGBOUNCER_OFFSET = 1000;

    private final ProvisioningConfig config;
    private final EntityManager em;
    private final Clock clock;
    private final Placement placement;

    public Endpoints(ProvisioningConfig config, EntityManager em, Clock clock, Placement placement) {
        this.placement = placement;
        this.config = config;
        this.em = em;
        this.clock = clock;
    }

    public String host() {
        return config.endpoint().host();
    }

    public int pgBouncerPort(ServerEntity s) {
        return s.endpointPort + config.endpoint().pgbouncerPortOffset();
    }

    /** The lowest free endpoint port; creations take turns (advisory lock) so two never get the same one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int allocatePort() {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(7402001)").getSingleResult();
        List<?> free = em.createNativeQuery("SELECT p FROM generate_series(?1, ?2) p WHERE NOT EXISTS"
                        + " (SELECT 1 FROM servers WHERE endpoint_port = p) ORDER BY p LIMIT 1")
                .setParameter(1, config.endpoint().portRangeStart()).setParameter(2, config.endpoint().portRangeEnd())
                .getResultList();
        if (free.isEmpty()) {
            throw new ArmException(409, "NoEndpointPortAvailable", "Every endpoint port of this pgflex ("
                    + config.endpoint().portRangeStart() + "-" + config.endpoint().portRangeEnd() + ") is in use.", null);
        }
        return ((Number) free.get(0)).intValue();
    }

    /** The whole route of the server as it stands, with the next generation (the row is locked by the caller). */
    @Transactional(Transactional.TxType.MANDATORY)
    public EndpointUpdated route(ServerEntity s, String operationId) {
        if (s.endpointPort == null) {
            s.endpointPort = allocatePort(); // a server from before endpoints existed gets one now
        }
        s.endpointGeneration++;
        List<FirewallRange> ranges = FirewallRuleEntity.ofServer(s.id).stream()
                .map(r -> new FirewallRange(r.key.name, r.startIp, r.endIp)).toList();
        List<EndpointMember> members = new java.util.ArrayList<>();
        if (s.agentId != null && s.port != null) {
            members.add(member(s.instanceId, s.agentId, s.host, s.port)); // the primary first: HAProxy's balance first
            if (s.standbyAgentId != null && s.standbyPort != null) {
                // a standby whose agent does not answer (its host is lost) is left out until it does
                try {
                    members.add(member(s.standbyInstanceId, s.standbyAgentId, s.standbyHost, s.standbyPort));
                } catch (IllegalStateException e) {
                    org.jboss.logging.Logger.getLogger(Endpoints.class).warnf("server %s: standby %s left out of the"
                            + " route: %s", s.name, s.standbyInstanceId, e.getMessage());
                }
            }
        }
        return new EndpointUpdated(s.id.toString(), s.subscriptionId, operationId, EndpointUpdated.VERSION, s.name,
                s.endpointGeneration, host(), s.endpointPort, pgBouncerPort(s), s.publicNetworkAccess, ranges, List.copyOf(members),
                clock.instant());
    }

    /** A member: the instance's address, and where its agent answers the router's agent-check. */
    private EndpointMember member(String instanceId, String agentId, String host, int port) {
        ProvisioningConfig.Agent agent = config.agents().get(agentId);
        if (agent == null) {
            throw new IllegalStateException("no node agent '" + agentId + "' is configured");
        }
        // a member whose agent is away now keeps the check port it had (the router's checks mark it down meanwhile)
        int checkPort = placement.lastKnown(agentId).map(AgentInfo::checkPort)
                .orElseThrow(() -> new IllegalStateException("node agent " + agentId + " does not answer"));
        return new EndpointMember(instanceId, agentId, host, port, port + INSTANCE_PGBOUNCER_OFFSET,
                URI.create(agent.url()).getHost(), checkPort);
    }
}
