package io.pgflex.maintenance.catalogue;

import io.pgflex.contracts.agent.AgentInfo;
import io.pgflex.contracts.agent.EngineInfo;
import io.pgflex.maintenance.config.Agents;
import io.pgflex.support.errors.ArmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The engine catalogue: every {@code major.minor} the node agents can run (asked of them) and, per major, the minor a
 * platform operator published as current. Publishing a newer minor makes every server of that major on an older one
 * due (the planner schedules it); only a minor every agent has installed can be published, so no patch fails for want
 * of binaries on the host it runs on.
 */
@ApplicationScoped
public class Catalogue {
    private final Agents agents;
    private final Clock clock;

    public Catalogue(Agents agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    /** What the agents say they can run: version → agents that have it; and the agents that did not answer, with why. */
    public record Installed(Map<String, TreeSet<String>> versions, Map<String, String> unanswered) {
    }

    public Installed installed() {
        Map<String, TreeSet<String>> versions = new TreeMap<>();
        Map<String, String> unanswered = new TreeMap<>();
        for (String id : new TreeSet<>(agents.ids())) {
            try {
                AgentInfo info = agents.quick(id).info();
                for (EngineInfo e : info.engines()) {
                    versions.computeIfAbsent(e.version(), v -> new TreeSet<>()).add(id);
                }
            } catch (RuntimeException e) {
                unanswered.put(id, String.valueOf(e.getMessage()));
            }
        }
        return new Installed(versions, unanswered);
    }

    /** One line of the catalogue as the API shows it. */
    public record Entry(String version, int major, int minor, List<String> agents, boolean current, String releaseNotes,
                        String publishedAt, String publishedBy) {
    }

    @Transactional
    public List<Entry> entries() {
        Installed installed = installed();
        Map<String, EngineVersion> published = new TreeMap<>();
        EngineVersion.<EngineVersion>listAll().forEach(v -> published.put(v.version, v));
        TreeSet<String> all = new TreeSet<>(java.util.Comparator.comparingInt((String v) -> part(v, 0)).thenComparingInt(v -> part(v, 1)));
        all.addAll(installed.versions().keySet());
        all.addAll(published.keySet());
        List<Entry> out = new ArrayList<>();
        for (String v : all) {
            EngineVersion p = published.get(v);
            out.add(new Entry(v, part(v, 0), part(v, 1), List.copyOf(installed.versions().getOrDefault(v, new TreeSet<>())),
                    p != null && p.current, p == null ? null : p.releaseNotes, p == null ? null : p.publishedAt.toString(),
                    p == null ? null : p.publishedBy));
        }
        return out;
    }

    /**
     * Publishes {@code version} as the current minor of its major. Refused (4xx) when it is no {@code major.minor},
     * older than the current one, or not installed on every agent (or an agent cannot be asked).
     */
    @Transactional
    public EngineVersion publish(String version, String releaseNotes, String by) {
        if (version == null || !version.matches("\\d{1,3}\\.\\d{1,4}")) {
            throw ArmException.badRequest("InvalidEngineVersion", "The engine version must be major.minor, e.g. 16.16.", "version");
        }
        Installed installed = installed();
        if (!installed.unanswered().isEmpty()) {
            throw new ArmException(409, "AgentsUnreachable", "Cannot tell whether every node agent has PostgreSQL " + version
                    + ": " + installed.unanswered().keySet() + " did not answer.", null);
        }
        TreeSet<String> having = installed.versions().getOrDefault(version, new TreeSet<>());
        List<String> missing = agents.ids().stream().filter(a -> !having.contains(a)).sorted().toList();
        if (!missing.isEmpty()) {
            throw ArmException.badRequest("EngineVersionNotInstalled", "PostgreSQL " + version + " is not installed on "
                    + missing + ": install it on every node agent before publishing it.", "version");
        }
        String major = version.split("\\.")[0];
        EngineVersion current = EngineVersion.currentOf(major).orElse(null);
        if (current != null && part(current.version, 1) > part(version, 1)) {
            throw ArmException.badRequest("EngineVersionDowngrade", "PostgreSQL " + current.version + " is current for major "
                    + major + "; an older minor is never published over it.", "version");
        }
        if (current != null && current.version.equals(version)) {
            if (releaseNotes != null) {
                current.releaseNotes = releaseNotes;
            }
            return current;
        }
        if (current != null) {
            current.current = false;
            EngineVersion.getEntityManager().flush(); // one current per major (a unique index says so)
        }
        EngineVersion v = EngineVersion.<EngineVersion>findByIdOptional(version).orElseGet(EngineVersion::new);
        boolean isNew = v.version == null;
        v.version = version;
        v.major = part(version, 0);
        v.minor = part(version, 1);
        v.current = true;
        v.releaseNotes = releaseNotes;
        v.publishedAt = clock.instant();
        v.publishedBy = by;
        if (isNew) {
            v.persist();
        }
        return v;
    }

    private static int part(String version, int i) {
        return Integer.parseInt(version.split("\\.")[i]);
    }
}
