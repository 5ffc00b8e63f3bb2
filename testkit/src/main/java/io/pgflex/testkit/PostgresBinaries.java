package io.pgflex.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server binaries (initdb, pg_ctl, postgres) are: {@code PGFLEX_PG_BIN}, else
 * the newest Debian {@code /usr/lib/postgresql/<major>/bin}, else the PATH.
 */
public final class PostgresBinaries {
    private PostgresBinaries() {
    }

    public static Path binDir() {
        String env = System.getenv("PGFLEX_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return debian().or(PostgresBinaries::onPath).orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL server binaries found: install postgresql-15 (apt-get install postgresql-15) "
                        + "or set PGFLEX_PG_BIN to a directory holding initdb and pg_ctl"));
    }

    private static Optional<Path> debian() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(root)) {
            return majors.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(p -> parseMajor(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static int parseMajor(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<Path> onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).map(Path::of)
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
                .findFirst()
                .map(dir -> dir.resolve("initdb").toAbsolutePath())
                .map(initdb -> {
                    try {
                        return initdb.toRealPath().getParent();
                    } catch (java.io.IOException e) {
                        return initdb.getParent();
                    }
                });
    }
}
