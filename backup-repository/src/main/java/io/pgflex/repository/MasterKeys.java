package io.pgflex.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where the backup master keys come from: {@code pgflex.backup.master-key-file} (a file only its
 * owner may read, holding the key in base64), or {@code pgflex.backup.master-key} itself (tests);
 * during a rotation {@code pgflex.backup.previous-master-key-files} (comma-separated) still unwrap.
 */
public final class MasterKeys {
    public static final String FILE = "pgflex.backup.master-key-file";
    public static final String INLINE = "pgflex.backup.master-key";
    public static final String PREVIOUS_FILES = "pgflex.backup.previous-master-key-files";

    private MasterKeys() {
    }

    /** The key ring of this configuration. */
    public static KeyRing ring(Function<String, Optional<String>> config) {
        String current = config.apply(FILE).filter(s -> !s.isBlank()).map(f -> read(Path.of(f)))
                .or(() -> config.apply(INLINE).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new IllegalStateException(FILE + " is not set: WAL archiving and backups need the backup master key"));
        List<String> previous = new ArrayList<>();
        config.apply(PREVIOUS_FILES).filter(s -> !s.isBlank()).ifPresent(list ->
                Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(f -> previous.add(read(Path.of(f)))));
        return new KeyRing(current, previous);
    }

    /** A key file: a regular file (no symlink) that neither group nor others may read or write. */
    static String read(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("backup master key file " + file + " is missing or not a regular file");
            }
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                throw new IllegalStateException("backup master key file " + file + " is readable by others ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(p) + "): make it 0600");
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("backup master key file " + file + ": " + e.getMessage(), e);
        }
    }
}
