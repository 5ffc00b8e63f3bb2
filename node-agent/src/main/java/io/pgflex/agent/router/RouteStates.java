package io.pgflex.agent.router;

import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.EndpointUpdated;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route's status as the agent reports it — whether the endpoint leads to a primary, which one, and if not why — from
 * what the last configuration routed and HAProxy's health states. Pure.
 */
public final class RouteStates {
    private RouteStates() {
    }

    /** What the last apply routed: the route table then, the ports skipped and the servers not routed, with why. */
    public record View(Map<String, EndpointUpdated> routes, Set<Integer> skipped, Map<String, String> conflicts) {
        public static final View EMPTY = new View(Map.of(), Set.of(), Map.of());
    }

    public static RouteStatus of(View v, EndpointUpdated r, Map<String, Map<String, HaproxyStats.Member>> stats) {
        Map<String, HaproxyStats.Member> pg = stats.getOrDefault("be_" + r.serverId(), Map.of());
        Map<String, HaproxyStats.Member> bouncer = stats.getOrDefault("be_" + r.serverId() + "_pgbouncer", Map.of());
        List<RouteStatus.Member> members = new ArrayList<>();
        String primary = null;
        boolean bouncerUp = false;
        for (var m : r.members()) {
            HaproxyStats.Member s = pg.get(m.instanceId());
            HaproxyStats.Member b = bouncer.get(m.instanceId());
            String state = s == null ? "UNKNOWN" : s.state();
            if (state.startsWith("UP") && primary == null) {
                primary = m.instanceId(); // balance first: the first member that is UP takes the connections
            }
            bouncerUp |= b != null && b.state().startsWith("UP");
            members.add(new RouteStatus.Member(m.instanceId(), m.agentId(), m.host() + ":" + m.port(), state,
                    b == null ? "UNKNOWN" : b.state(), s == null ? null : s.lastCheck()));
        }
        String reason = null;
        if (v.conflicts().containsKey(r.serverId())) {
            reason = v.conflicts().get(r.serverId());
        } else if (v.skipped().contains(r.port())) {
            reason = "port " + r.port() + " is taken on the router host by another program";
        } else if (!r.publicNetworkAccess()) {
            reason = "public network access is disabled: the endpoint admits no one";
        } else if (r.members().isEmpty()) {
            reason = "the server has no instance";
        } else if (primary == null) {
            reason = "no member is a healthy primary; last checks: " + members.stream()
                    .map(m -> m.instanceId() + " " + m.state() + (m.lastCheck() == null ? "" : " (" + m.lastCheck() + ")"))
                    .toList();
        }
        return new RouteStatus(r.serverId(), r.host(), r.port(), r.pgBouncerPort(), r.generation(), reason == null,
                primary, bouncerUp && reason == null, reason, members);
    }
}
