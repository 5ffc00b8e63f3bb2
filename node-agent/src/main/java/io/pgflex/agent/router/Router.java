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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

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
        if (!serverId.matches("[A-Za-z0-9-]+") || !instanceId.matches("[A-Za-z0-9-]+") || masterPid() == null) {
            return;
        }
        for (String backend : List.of("be_" + serverId, "be_" + serverId + "_pgbouncer")) {
            try {
                command("set server " + backend + "/" + instanceId + " state maint");
                command("shutdown sessions server " + backend + "/" + instanceId);
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
        Set<Integer> ours = masterPid() == null ? Set.of() : ports(appliedConfig == null ? currentConfigFile() : appliedConfig);
        Set<Integer> skipped = new HashSet<>();
        Map<String, String> conflicts = new HashMap<>();
        // two routes on one port (a route whose server was deleted while the router missed it): the newer wins
        Map<Integer, EndpointUpdated> byPort = new HashMap<>();
        routes.values().stream().sorted(java.util.Comparator.comparing(EndpointUpdated::updatedAt).reversed()).forEach(r -> {
            for (int port : List.of(r.port(), r.pgBouncerPort())) {
                EndpointUpdated holder = byPort.putIfAbsent(port, r);
                if (holder != null) {
                    LOG.errorf("router: port %d of server %s is also the port of server %s (newer): not routed", port,
                            r.name(), holder.name());
                    conflicts.put(r.serverId(), "port " + port + " belongs to server " + holder.name() + " now");
                } else if (!ours.contains(port) && !io.pgflex.agent.instances.PortAllocator.free(port)) {
                    LOG.errorf("router: port %d of server %s is taken by another program: not routed", port, r.name());
                    skipped.add(port);
                }
            }
        });
        // a route that cannot be written into the configuration is refused alone, not with all others
        for (EndpointUpdated r : routes.values()) {
            try {
                HaproxyConf.check(r);
            } catch (IllegalArgumentException e) {
                LOG.errorf("router: route of server %s not routed: %s", r.serverId(), e.getMessage());
                conflicts.put(r.serverId(), "invalid route: " + e.getMessage());
            }
        }
        Collection<EndpointUpdated> routed = routes.values().stream().filter(r -> !conflicts.containsKey(r.serverId()))
                .map(this::withoutFenced).toList();
        View routedView = new View(Map.copyOf(routes), Set.copyOf(skipped), Map.copyOf(conflicts));
        String conf = HaproxyConf.render(new HaproxyConf.Input(dir().toString(), socketDir().toString(),
                config.router().bindAddress(), config.router().checkInterval(), routed, skipped,
                os.isRoot() ? Optional.of(config.router().osUser()) : Optional.empty()));
        Path file = dir().resolve("haproxy.cfg");
        Long master = masterPid();
        // appliedConfig is what the running HAProxy took in (null after a start of the agent: reload
        // once, in case a reload was lost to a crash); it is set only after a reload went through
        if (conf.equals(appliedConfig) && master != null) {
            view = routedView;
            return;
        }
        try {
            Path next = dir().resolve("haproxy.cfg.next");
            Files.writeString(next, conf);
            if (!Files.exists(dir().resolve("server-state"))) {
                Files.writeString(dir().resolve("server-state"), "1\n");
            }
            OsCommands.Result check = os.run(dir(), Map.of(), 30, List.of(config.router().haproxyBin(), "-c", "-q", "-f", next.toString()));
            if (check.exitCode() != 0) {
                throw new IllegalStateException("HAProxy refused the generated configuration: " + check.output().strip());
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (master == null) {
            LOG.infof("router: starting HAProxy (%d endpoint(s))", routes.size());
            OsCommands.Result r = os.run(dir(), Map.of(), 30, List.of(config.router().haproxyBin(), "-D", "-f", file.toString()));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("HAProxy did not start: " + r.output().strip());
            }
            awaitWorker(null);
            masterPid(); // the pid file names the master (not a worker), whatever HAProxy wrote
        } else {
            String before = command("show info").lines().filter(l -> l.startsWith("Pid:")).findFirst().orElse("");
            saveServerState();
            LOG.infof("router: reloading HAProxy (%d endpoint(s)); established connections stay", routes.size());
            OsCommands.Result r = os.run(Path.of("/"), Map.of(), 10, List.of("kill", "-USR2", Long.toString(master)));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("HAProxy was not reloaded: " + r.output().strip());
            }
            awaitWorker(before);
            masterPid();
        }
        appliedConfig = conf;
        view = routedView; // status requests see a route once HAProxy has it
    }

    /** What the last apply routed: read by status requests without waiting for a reload in progress. */
    private record View(Map<String, EndpointUpdated> routes, Set<Integer> skipped, Map<String, String> conflicts) {
    }

    private volatile View view = new View(Map.of(), Set.of(), Map.of());

    public List<RouteStatus> statuses() {
        View v = view;
        Map<String, Map<String, String[]>> stats = stats();
        return v.routes().values().stream().sorted(java.util.Comparator.comparing(EndpointUpdated::serverId))
                .map(r -> status(v, r, stats)).toList();
    }

    public Optional<RouteStatus> status(String serverId) {
        View v = view;
        EndpointUpdated r = v.routes().get(serverId);
        return r == null ? Optional.empty() : Optional.of(status(v, r, stats()));
    }

    private RouteStatus status(View v, EndpointUpdated r, Map<String, Map<String, String[]>> stats) {
        Map<String, String[]> pg = stats.getOrDefault("be_" + r.serverId(), Map.of());
        Map<String, String[]> bouncer = stats.getOrDefault("be_" + r.serverId() + "_pgbouncer", Map.of());
        List<RouteStatus.Member> members = new ArrayList<>();
        String primary = null;
        boolean bouncerUp = false;
        for (var m : r.members()) {
            String[] s = pg.get(m.instanceId());
            String[] b = bouncer.get(m.instanceId());
            String state = s == null ? "UNKNOWN" : s[0];
            if (state.startsWith("UP") && primary == null) {
                primary = m.instanceId(); // balance first: the first member that is UP takes the connections
            }
            bouncerUp |= b != null && b[0].startsWith("UP");
            members.add(new RouteStatus.Member(m.instanceId(), m.agentId(), m.host() + ":" + m.port(), state,
                    b == null ? "UNKNOWN" : b[0], s == null ? null : s[1]));
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

    /** show stat: backend → server → {status, last check}. */
    private Map<String, Map<String, String[]>> stats() {
        Map<String, Map<String, String[]>> out = new HashMap<>();
        String csv;
        try {
            csv = command("show stat");
        } catch (RuntimeException e) {
            return out;
        }
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return out;
        }
        List<String> header = List.of(lines.get(0).substring(2).split(","));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        int check = header.indexOf("check_status");
        int desc = header.indexOf("last_chk");
        int agent = header.indexOf("agent_status");
        int agentDesc = header.indexOf("last_agt");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length <= Math.max(desc, check) || "BACKEND".equals(f[sv]) || "FRONTEND".equals(f[sv])) {
                continue;
            }
            String last = (f[check] + " " + f[desc]).trim();
            if (agent >= 0 && agentDesc >= 0 && agentDesc < f.length && !f[agent].isEmpty()) {
                last += "; agent " + (f[agent] + " " + f[agentDesc]).trim();
            }
            out.computeIfAbsent(f[px], k -> new HashMap<>()).put(f[sv], new String[] {f[status], last.isEmpty() ? null : last});
        }
        return out;
    }

    /** One command on HAProxy's admin socket; its answer. */
    String command(String command) {
        Path socket = socketDir().resolve("admin.sock");
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(socket.toFile()));
            s.setSoTimeout(3000);
            s.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("HAProxy admin socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Waits until a worker (other than the one that answered {@code before}) serves the admin socket. */
    private void awaitWorker(String before) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                String pid = command("show info").lines().filter(l -> l.startsWith("Pid:")).findFirst().orElse("");
                if (!pid.isEmpty() && !pid.equals(before)) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("HAProxy worker did not come up within 10 s" + (last == null ? "" : ": " + last));
    }

    /** Health states of the current worker, so the new worker starts where it left off (no flapping to a standby). */
    private void saveServerState() {
        try {
            Path file = dir().resolve("server-state");
            Files.writeString(file, command("show servers state"));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("router: server state not saved before reload: %s", e.getMessage());
        }
    }

    private EndpointUpdated withoutFenced(EndpointUpdated r) {
        Set<String> out = fenced.getOrDefault(r.serverId(), Set.of());
        if (out.isEmpty()) {
            return r;
        }
        return new EndpointUpdated(r.serverId(), r.subscriptionId(), r.operationId(), r.version(), r.name(), r.generation(),
                r.host(), r.port(), r.pgBouncerPort(), r.publicNetworkAccess(), r.allowedRanges(),
                r.members().stream().filter(m -> !out.contains(m.instanceId())).toList(), r.updatedAt());
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

    private String currentConfigFile() {
        try {
            Path file = dir().resolve("haproxy.cfg");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The ports a configuration binds. */
    static Set<Integer> ports(String conf) {
        Set<Integer> out = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^    bind \\S*:(\\d+)$").matcher(conf);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private Long masterPid() {
        return HaproxyMaster.find(dir().resolve("haproxy.cfg"), dir().resolve("haproxy.pid")).orElse(null);
    }
}
