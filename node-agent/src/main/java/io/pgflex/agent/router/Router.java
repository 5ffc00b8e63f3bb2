package io.pgflex.agent.router;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.os.OsCommands;
import io.pgflex.contracts.agent.RouteStatus;
import io.pgflex.contracts.events.EndpointUpdated;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The router role: one HAProxy (master-worker; its workers run as an unprivileged OS user) that gives every
 * server a stable endpoint. The routes (one {@link EndpointUpdated} per server) are kept in
 * {@code <dataRoot>/router/routes.json}, so a restarted agent routes as before without the event
 * history; a change rewrites the configuration and reloads HAProxy gracefully: a new worker takes
 * the listeners, the old one keeps its established connections until they end.
 */
@ApplicationScoped
public class Router {
    private static final Logger LOG = Logger.getLogger(Router.class);

    private final AgentConfig config;
    private final OsCommands os;
    private final ObjectMapper json;
    private final InstanceStore store;
    private final Map<String, EndpointUpdated> routes = new TreeMap<>();
    /** Per server, the members a failover took away from it (the old primary): not routed until rebuilt. */
    private final Map<String, Set<String>> fenced = new TreeMap<>();
    private String appliedConfig;
    private boolean fresh;

    public Router(AgentConfig config, OsCommands os, ObjectMapper json, InstanceStore store) {
        this.config = config;
        this.os = os;
        this.json = json;
        this.store = store;
    }

    public boolean enabled() {
        return config.router().enabled();
    }

    Path dir() {
        return config.dataRoot().toAbsolutePath().resolve("router");
    }

    /** Sockets live beside the instances' socket directory: Unix socket paths are short. */
    Path socketDir() {
        Path instances = store.socketDir();
        return instances.resolveSibling(instances.getFileName() + "-router");
    }

    /** Loads the saved routes and makes HAProxy run with them. */
    public synchronized void start() {
        try {
            Files.createDirectories(dir());
            Files.createDirectories(socketDir());
            Path file = dir().resolve("routes.json");
            fresh = !Files.exists(file);
            if (!fresh) {
                routes.putAll(json.readValue(file.toFile(), new TypeReference<Map<String, EndpointUpdated>>() {
                }));
            }
            Path fencedFile = dir().resolve("fenced.json");
            if (Files.exists(fencedFile)) {
                fenced.putAll(json.readValue(fencedFile.toFile(), new TypeReference<Map<String, Set<String>>>() {
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the router directory " + dir(), e);
        }
        LOG.infof("router: %d endpoint(s) known, HAProxy config in %s", routes.size(), dir());
        apply();
    }

    /** Whether the router started without saved routes (new, or its disk was lost): it must read pgflex.servers from the start. */
    public synchronized boolean startedFresh() {
        return fresh;
    }

    /**
     * Takes in one event's route; returns whether anything changed. Older generations than the one
     * known (a redelivery) change nothing.
     */
    public synchronized boolean upsert(EndpointUpdated route) {
        String incomplete = incomplete(route);
        if (incomplete != null) {
            // never kept: one bad route would otherwise break every later configuration (and be saved)
            LOG.errorf("router: endpoint event of server %s refused: %s", route.serverId(), incomplete);
            return false;
        }
        EndpointUpdated known = routes.get(route.serverId());
        if (known != null && known.generation() >= route.generation()) {
            return false;
        }
        routes.put(route.serverId(), route);
        LOG.infof("router: endpoint of server %s (%s) on port %d with %d member(s)", route.name(), route.serverId(),
                route.port(), route.members().size());
        return true;
    }

    /** Why {@code route} cannot be routed (a field missing, a name HAProxy cannot take), or null. */
    static String incomplete(EndpointUpdated route) {
        if (route.serverId() == null || route.name() == null || route.members() == null || route.updatedAt() == null
                || route.port() <= 0 || route.members().stream().anyMatch(java.util.Objects::isNull)) {
            return "serverId, name, port, members and updatedAt are required";
        }
        try {
            HaproxyConf.check(route);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /**
     * A failover started: the old primary leaves the server's endpoint at once (a hung host keeps its
     * port accepting and its agent silent, so health checks alone would keep routing to it) and
     * stays out until it is rebuilt; the new primary is back in if it was out.
     */
    public synchronized boolean failover(String serverId, String oldPrimary, String newPrimary) {
        Set<String> out = fenced.computeIfAbsent(serverId, k -> new java.util.TreeSet<>());
        boolean changed = out.add(oldPrimary) | out.remove(newPrimary);
        if (changed) {
            LOG.warnf("router: failover of server %s: instance %s no longer routed", serverId, oldPrimary);
            cutSessions(serverId, oldPrimary);
        }
        return changed;
    }

    /**
     * The old primary's client sessions are cut at once (admin socket: maintenance, then shutdown of
     * its sessions): a hung host keeps them open and silent, and a reload would leave them with the old
     * worker, so clients would wait out their own timeouts instead of reconnecting to the new primary.
     */
    private void cutSessions(String serverId, String instanceId) {
        if (!serverId.matches("[A-Za-z0-9-]+") || !instanceId.matches("[A-Za-z0-9-]+") || haproxy().masterPid() == null) {
            return;
        }
        for (String backend : List.of("be_" + serverId, "be_" + serverId + "_pgbouncer")) {
            try {
                haproxy().command("set server " + backend + "/" + instanceId + " state maint");
                haproxy().command("shutdown sessions server " + backend + "/" + instanceId);
            } catch (RuntimeException e) {
                LOG.debugf("router: sessions of %s/%s not cut: %s", backend, instanceId, e.getMessage());
            }
        }
    }

    /** A rebuilt standby may be routed again (it becomes UP only when it is the primary). */
    public synchronized boolean rebuilt(String serverId, String instanceId) {
        Set<String> out = fenced.get(serverId);
        return out != null && out.remove(instanceId);
    }

    public synchronized boolean remove(String serverId) {
        fenced.remove(serverId);
        if (routes.remove(serverId) == null) {
            return false;
        }
        LOG.infof("router: endpoint of server %s removed", serverId);
        return true;
    }

    /** Saves the routes, then writes the configuration and reloads HAProxy if it changed. */
    public synchronized void apply() {
        save();
        Long master = haproxy().masterPid();
        Set<Integer> ours = master == null ? Set.of()
                : HaproxyProcess.ports(appliedConfig == null ? haproxy().installedConfig() : appliedConfig);
        RoutePlan.Plan plan = RoutePlan.of(routes, fenced, ours, io.pgflex.agent.instances.PortAllocator::free);
        plan.conflicts().forEach((server, why) -> LOG.errorf("router: server %s (%s) not routed: %s",
                routes.get(server).name(), server, why));
        for (EndpointUpdated r : routes.values()) {
            for (int port : List.of(r.port(), r.pgBouncerPort())) {
                if (plan.skipped().contains(port) && !plan.conflicts().containsKey(r.serverId())) {
                    LOG.errorf("router: port %d of server %s is taken by another program: not routed", port, r.name());
                }
            }
        }
        RouteStates.View routedView = new RouteStates.View(Map.copyOf(routes), plan.skipped(), plan.conflicts());
        String conf = HaproxyConf.render(new HaproxyConf.Input(dir().toString(), socketDir().toString(),
                config.router().bindAddress(), config.router().checkInterval(), plan.routed(), plan.skipped(),
                os.isRoot() ? Optional.of(config.router().osUser()) : Optional.empty()));
        // appliedConfig is what the running HAProxy took in (null after a start of the agent: reload
        // once, in case a reload was lost to a crash); it is set only after a reload went through
        if (!conf.equals(appliedConfig) || master == null) {
            haproxy().install(conf, routes.size());
            appliedConfig = conf;
        }
        view = routedView; // status requests see a route once HAProxy has it
    }

    private volatile RouteStates.View view = RouteStates.View.EMPTY;

    public List<RouteStatus> statuses() {
        RouteStates.View v = view;
        Map<String, Map<String, HaproxyStats.Member>> stats = stats();
        return v.routes().values().stream().sorted(java.util.Comparator.comparing(EndpointUpdated::serverId))
                .map(r -> RouteStates.of(v, r, stats)).toList();
    }

    public Optional<RouteStatus> status(String serverId) {
        RouteStates.View v = view;
        EndpointUpdated r = v.routes().get(serverId);
        return r == null ? Optional.empty() : Optional.of(RouteStates.of(v, r, stats()));
    }

    private Map<String, Map<String, HaproxyStats.Member>> stats() {
        try {
            return HaproxyStats.parse(haproxy().command("show stat"));
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private HaproxyProcess haproxy() {
        return new HaproxyProcess(config, os, dir(), socketDir());
    }

    private void save() {
        try {
            Path fencedTmp = dir().resolve("fenced.json.tmp");
            json.writeValue(fencedTmp.toFile(), fenced);
            Files.move(fencedTmp, dir().resolve("fenced.json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Path tmp = dir().resolve("routes.json.tmp");
            json.writeValue(tmp.toFile(), routes);
            Files.move(tmp, dir().resolve("routes.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
