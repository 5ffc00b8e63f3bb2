package io.pgflex.agent.instances;

import io.pgflex.agent.AgentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The instances this agent owns, as its data root holds them: one directory per instance under
 * {@code instances/} with an {@code instance.json}. Nothing is kept in memory, so an agent restart
 * finds everything again.
 */
@ApplicationScoped
public class InstanceStore {
    private final AgentConfig config;

    public InstanceStore(AgentConfig config) {
        this.config = config;
    }

    public Path instancesDir() {
        return config.dataRoot().resolve("instances");
    }

    /** Ids of every instance with an instance.json. */
    public List<String> instanceIds() {
        Path dir = instancesDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("instance.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every instance record on disk; an unreadable one is skipped (and reported by {@link #instanceIds()}). */
    public List<InstanceRecord> records(com.fasterxml.jackson.databind.ObjectMapper json) {
        return instanceIds().stream().map(id -> {
            try {
                return json.readValue(instancesDir().resolve(id).resolve("instance.json").toFile(), InstanceRecord.class);
            } catch (IOException e) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).toList();
    }

    /** Whether the instance's postmaster runs: its postmaster.pid names a live process. */
    public boolean running(String instanceId) {
        Path pid = instancesDir().resolve(instanceId).resolve("pgdata").resolve("postmaster.pid");
        try {
            String first = Files.readAllLines(pid).get(0).trim();
            return ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Creates the data root with owner-only permissions if it is missing. */
    public void ensureDataRoot() {
        try {
            Files.createDirectories(instancesDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the agent data root " + config.dataRoot(), e);
        }
    }
}
