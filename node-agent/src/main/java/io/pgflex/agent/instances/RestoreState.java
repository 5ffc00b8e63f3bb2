package io.pgflex.agent.instances;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * An instance being restored ({@code restore.json} beside its data): whose WAL archive replay reads,
 * to which time, and whether it is a drill's scratch instance. Removed once it is promoted.
 */
public record RestoreState(String sourceServerId, String backupId, Instant targetTime, boolean scratch) {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** A drill's scratch instance keeps this mark after its restore: it never archives WAL of its own. */
    public static Path scratchMark(InstanceLayout layout) {
        return layout.root().resolve("scratch");
    }

    public static Path file(InstanceLayout layout) {
        return layout.root().resolve("restore.json");
    }

    public static Optional<RestoreState> read(InstanceLayout layout) {
        Path f = file(layout);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), RestoreState.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(InstanceLayout layout) {
        try {
            Files.createDirectories(layout.root());
            if (scratch) {
                Files.writeString(scratchMark(layout), "restore drill: no WAL archiving\n");
            }
            Path tmp = layout.root().resolve("restore.json.tmp");
            Files.write(tmp, JSON.writeValueAsBytes(this));
            Files.move(tmp, file(layout), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void clear(InstanceLayout layout) {
        try {
            Files.deleteIfExists(file(layout));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
