package io.pgflex.agent.router;

import io.pgflex.contracts.events.EndpointUpdated;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Which routes the next HAProxy configuration carries, decided from the route table alone: two routes on one port (a
 * route whose server was deleted while the router missed it) — the newer wins, the other is not routed and says why; a
 * port another program holds is skipped; a route HAProxy cannot take is refused alone; members a failover took away
 * are left out. Pure: what is bound and free comes in as arguments.
 */
public final class RoutePlan {
    private RoutePlan() {
    }

    /**
     * @param routed    the routes written into the configuration (without their fenced members)
     * @param skipped   ports another program holds: not bound
     * @param conflicts per server not routed, the reason
     */
    public record Plan(List<EndpointUpdated> routed, Set<Integer> skipped, Map<String, String> conflicts) {
    }

    /**
     * @param routes     the route table, per server
     * @param fenced     per server, the members a failover took away (not routed until rebuilt)
     * @param ours       ports the running HAProxy binds (free to take again)
     * @param portFree   whether a port is free on this host
     */
    public static Plan of(Map<String, EndpointUpdated> routes, Map<String, Set<String>> fenced, Set<Integer> ours,
                          IntPredicate portFree) {
        Set<Integer> skipped = new HashSet<>();
        Map<String, String> conflicts = new HashMap<>();
        Map<Integer, EndpointUpdated> byPort = new HashMap<>();
        routes.values().stream().sorted(Comparator.comparing(EndpointUpdated::updatedAt).reversed()
                .thenComparing(EndpointUpdated::serverId)).forEach(r -> {
            for (int port : List.of(r.port(), r.pgBouncerPort())) {
                EndpointUpdated holder = byPort.putIfAbsent(port, r);
                if (holder != null) {
                    conflicts.putIfAbsent(r.serverId(), "port " + port + " belongs to server " + holder.name() + " now");
                } else if (!ours.contains(port) && !portFree.test(port)) {
                    skipped.add(port);
                }
            }
        });
        for (EndpointUpdated r : routes.values()) {
            try {
                HaproxyConf.check(r);
            } catch (IllegalArgumentException e) {
                conflicts.put(r.serverId(), "invalid route: " + e.getMessage());
            }
        }
        List<EndpointUpdated> routed = new ArrayList<>();
        for (EndpointUpdated r : routes.values()) {
            if (!conflicts.containsKey(r.serverId())) {
                routed.add(withoutFenced(r, fenced.getOrDefault(r.serverId(), Set.of())));
            }
        }
        return new Plan(List.copyOf(routed), Set.copyOf(skipped), Map.copyOf(conflicts));
    }

    private static EndpointUpdated withoutFenced(EndpointUpdated r, Set<String> out) {
        if (out.isEmpty()) {
            return r;
        }
        return new EndpointUpdated(r.serverId(), r.subscriptionId(), r.operationId(), r.version(), r.name(), r.generation(),
                r.host(), r.port(), r.pgBouncerPort(), r.publicNetworkAccess(), r.allowedRanges(),
                r.members().stream().filter(m -> !out.contains(m.instanceId())).toList(), r.updatedAt());
    }
}
