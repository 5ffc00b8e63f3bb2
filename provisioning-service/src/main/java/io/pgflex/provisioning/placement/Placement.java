package io.pgflex.provisioning.placement;

import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.errors.ArmException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Where a new server's instance runs: among the agents that answer and have the engine, the one in
 * the requested zone (if any) with the fewest servers placed on it. Also the engine catalogue the
 * API offers: the versions some agent can run. Agent descriptions are cached for a few seconds.
 */
@ApplicationScoped
public class Placement {
    private static final Logger LOG = Logger.getLogger(Placement.class);
    private static final Duration CACHE = Duration.ofSeconds(10);

    private final AgentClients agents;
    private final Clock clock;
    private final Map<String, Cached> infos = new ConcurrentHashMap<>();
    private final Map<String, AgentInfo> lastKnown = new ConcurrentHashMap<>();

    private record Cached(Optional<AgentInfo> info, Instant at) {
    }

    public Placement(AgentClients agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    /** The agent for a new instance of {@code server}; 409 when no agent can take it. */
    public String choose(ServerEntity server) {
        List<String> candidates = new ArrayList<>();
        for (String id : agents.agentIds()) {
            Optional<AgentInfo> info = info(id);
            if (info.isPresent() && info.get().engines().stream().anyMatch(e -> Integer.toString(e.major()).equals(server.version))
                    && (server.availabilityZone == null || server.availabilityZone.equals(agents.zone(id)))) {
                candidates.add(id);
            }
        }
        return candidates.stream()
                .min(Comparator.comparingLong((String id) -> ServerEntity.count("agentId", id)).thenComparing(id -> id))
                .orElseThrow(() -> new ArmException(409, "NoCapacity", "No node agent "
                        + (server.availabilityZone == null ? "" : "in zone " + server.availabilityZone + " ")
                        + "can run PostgreSQL " + server.version + " right now.", null));
    }

    /** PostgreSQL majors at least one reachable agent can run. */
    public TreeSet<Integer> offeredMajors() {
        TreeSet<Integer> majors = new TreeSet<>();
        for (String id : agents.agentIds()) {
            info(id).ifPresent(i -> i.engines().stream().map(EngineInfo::major).forEach(majors::add));
        }
        return majors;
    }

    /**
     * 409 unless an agent can take the standby of a server in {@code primaryZone} (null: not placed
     * yet, any zone): ZoneRedundant needs an agent in another zone; SameZone takes any agent of the
     * primary's zone (the primary's own host included).
     */
    public void requireStandbyPlace(String mode, String primaryZone) {
        if (!"ZoneRedundant".equals(mode)) {
            return;
        }
        TreeSet<String> zones = zones();
        boolean other = primaryZone == null ? zones.size() >= 2 : zones.stream().anyMatch(z -> !z.equals(primaryZone));
        if (!other) {
            throw new ArmException(409, "ZoneRedundantHaNotAvailable", "Zone-redundant high availability needs a node agent"
                    + " in another availability zone than the primary's" + (primaryZone == null ? "" : " (" + primaryZone + ")")
                    + "; zones with agents: " + zones + ". Use SameZone, or add an agent in another zone.", null);
        }
    }

    /** The zone of an agent. */
    public String zone(String agentId) {
        return agents.zone(agentId);
    }

    /** Zones that have an agent. */
    public TreeSet<String> zones() {
        TreeSet<String> zones = new TreeSet<>();
        agents.agentIds().forEach(id -> zones.add(agents.zone(id)));
        return zones;
    }

    /** What the agent says about itself (cached for a few seconds); empty when it does not answer. */
    public Optional<AgentInfo> info(String agentId) {
        Cached cached = infos.get(agentId);
        // an answer is reused for a while; a silence only for a second (the agent may be back)
        if (cached != null && cached.at().plus(cached.info().isPresent() ? CACHE : Duration.ofSeconds(1)).isAfter(clock.instant())) {
            return cached.info();
        }
        Optional<AgentInfo> info;
        try {
            info = Optional.of(agents.client(agentId).info());
        } catch (RuntimeException e) {
            LOG.warnf("node agent %s does not answer: %s", agentId, e.getMessage());
            info = Optional.empty();
        }
        infos.put(agentId, new Cached(info, clock.instant()));
        info.ifPresent(i -> lastKnown.put(agentId, i));
        return info;
    }

    /**
     * What the agent said about itself when it last answered (it may not answer now). Asks it only
     * when it never answered before: this is read on the HA event path, which must not wait for an
     * agent on a host that is cut off (a connect there hangs until its timeout).
     */
    public Optional<AgentInfo> lastKnown(String agentId) {
        AgentInfo known = lastKnown.get(agentId);
        return known != null ? Optional.of(known) : info(agentId);
    }
}
