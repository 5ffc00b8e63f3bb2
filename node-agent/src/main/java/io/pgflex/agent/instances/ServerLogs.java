package io.pgflex.agent.instances;

import io.pgflex.contracts.agent.LogFileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An instance's PostgreSQL log files for download: the regular {@code *.log} files directly in its
 * log directory (the logging collector's weekday files, pg_ctl's startup.log). A name is only ever
 * looked up among those, never resolved as a path: nothing outside the directory can be read.
 */
public final class ServerLogs {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\\.log");

    private ServerLogs() {
    }

    /** The log files, newest write first; none when the directory does not exist (yet). */
    public static List<LogFileInfo> list(Path logDir) {
        List<LogFileInfo> out = new ArrayList<>();
        if (!Files.isDirectory(logDir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (var files = Files.list(logDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!NAME.matcher(name).matches()) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        out.add(new LogFileInfo(name, a.size(), a.creationTime().toInstant(), a.lastModifiedTime().toInstant()));
                    }
                } catch (NoSuchFileException gone) {
                    // rotated away while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("log directory " + logDir + " not listed", e);
        }
        out.sort(Comparator.comparing(LogFileInfo::lastModifiedAt).reversed().thenComparing(LogFileInfo::name));
        return out;
    }

    /** The named log file, open for reading, if it is one of {@link #list}. */
    public static Optional<InputStream> open(Path logDir, String name) {
        if (name == null || !NAME.matcher(name).matches()
                || list(logDir).stream().noneMatch(f -> f.name().equals(name))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(logDir.resolve(name), LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("log file " + name + " not opened", e);
        }
    }
}
