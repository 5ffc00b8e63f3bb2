package io.pgflex.contracts.agent;

import java.util.List;

/**
 * A server's stable endpoint as the router sees it right now.
 *
 * @param routable         whether a connection to the endpoint reaches a primary now
 * @param primaryInstanceId the member the endpoint leads to, or null
 * @param reason           why the endpoint is not routable, or null
 */
public record RouteStatus(String serverId, String host, int port, int pgBouncerPort, long generation, boolean routable,
                          String primaryInstanceId, boolean pgBouncerRoutable, String reason, List<Member> members) {

    /**
     * A member's health-check state in the router: UP (it is the primary), DOWN, or NOLB/MAINT.
     */
    public record Member(String instanceId, String agentId, String address, String state, String pgBouncerState,
                         String lastCheck) {
    }
}
