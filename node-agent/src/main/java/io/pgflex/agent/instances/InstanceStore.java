package io.pgflex.agent.instances;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The instances this agent owns, as its data root holds them: one directory per instance under
 * {@code instances/} with an {@code instance.json}. Nothing is kept in memory, so an agent restart
 * finds everything again.
 */
@ApplicationScoped
public class InstanceStore {
    private final AgentConfig config;
    private final ObjectMapper json;

    public InstanceStore(AgentConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    public Path instancesDir() {
        return config.dataRoot().toAbsolutePath().resolve("instances");
    }

    public InstanceLayout layout(String instanceId) {
        if (!instanceId.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("invalid instance id: " + instanceId);
        }
        return new InstanceLayout(instancesDir().resolve(instanceId), socketDir());
    }

    /**
     * The directory of the instances' Unix sockets: {@code pgflex.agent.socket-dir}, else
     * {@code /run/pgflex/<agentId>} for root, else {@code <tmpdir>/pgflex-<user>-<agentId>}.
     */
    public Path socketDir() {
        return config.socketDir().orElseGet(() -> "root".equals(System.getProperty("user.name"))
                ? Path.of("/run/pgflex", config.id())
                : Path.of(System.getProperty("java.io.tmpdir"), "pgflex-" + System.getProperty("user.name") + "-" + config.id()));
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

    public Optional<InstanceRecord> read(String instanceId) {
        Path file = layout(instanceId).recordFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), InstanceRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file, e);
        }
    }

    /** Every readable instance record. */
    public List<InstanceRecord> records() {
        return instanceIds().stream().map(id -> {
            try {
                return read(id).orElse(null);
            } catch (UncheckedIOException e) {
                return null;
            }
        }).filter(Objects::nonNull).toList();
    }

    /** Writes instance.json atomically (temp file + rename), owner-only. */
    public void write(InstanceRecord record) {
        writeOwnerOnly(layout(record.instanceId()).recordFile(), record);
    }

    /** {@code value} as JSON in {@code file}, atomically (temp file + rename), readable by the agent alone. */
    private void writeOwnerOnly(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the instance's postmaster runs: its postmaster.pid names a live process. */
    public boolean running(String instanceId) {
        return postmaster(instanceId).isPresent();
    }

    /** The pid of the instance's running postmaster, empty when postmaster.pid names no live process. */
    public java.util.OptionalLong postmaster(String instanceId) {
        Path pid = layout(instanceId).postmasterPid();
        try {
            long first = Long.parseLong(Files.readAllLines(pid).get(0).trim());
            boolean alive = ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)
                    && !io.pgflex.agent.os.OsCommands.zombie(first); // a killed postmaster may wait a while to be reaped
            return alive ? java.util.OptionalLong.of(first) : java.util.OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * Whether the instance's postmaster has died but was not reaped yet (a zombie): PostgreSQL
     * refuses to start while the pid in its lock file exists, so a restart waits for the reaping.
     */
    public boolean postmasterUnreaped(String instanceId) {
        try {
            long first = Long.parseLong(Files.readAllLines(layout(instanceId).postmasterPid()).get(0).trim());
            return io.pgflex.agent.os.OsCommands.zombie(first);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The instance's role: what ha-service last gave it, else what it was created as (Primary). */
    public String role(InstanceRecord instance) {
        try {
            return replication(instance.instanceId()).map(r -> r.role()).orElse("Primary");
        } catch (RuntimeException e) {
            return instance.role();
        }
    }

    /** Creates the socket directory: owned by PostgreSQL's OS user, mode 0700. */
    public void ensureSocketDir(io.pgflex.agent.os.OsCommands os) {
        Path dir = socketDir();
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            os.chownToPostgres(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the socket directory " + dir, e);
        }
    }

    /** Creates the data root if it is missing. */
    public void ensureDataRoot() {
        try {
            Files.createDirectories(instancesDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the agent data root " + config.dataRoot(), e);
        }
    }

    /** The instance's replication state, if ha-service gave it one. */
    public Optional<io.pgflex.agent.instances.ReplicationState> replication(String instanceId) {
        Path file = layout(instanceId).replicationFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), io.pgflex.agent.instances.ReplicationState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file, e);
        }
    }

    /** Writes replication.json atomically, owner-only (it holds the replication password). */
    public void writeReplication(String instanceId, io.pgflex.agent.instances.ReplicationState state) {
        writeOwnerOnly(layout(instanceId).replicationFile(), state);
    }
}
