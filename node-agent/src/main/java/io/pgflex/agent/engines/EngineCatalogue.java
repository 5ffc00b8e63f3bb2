package io.pgflex.agent.engines;

import io.pgflex.agent.AgentConfig;
import io.pgflex.contracts.agent.EngineInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL engines this host can run: Debian's packages under /usr/lib/postgresql/<major>/bin
 * and bundles the launcher unpacked into the engines directory ({@code <major.minor>/bin}). An
 * engine counts only when initdb, pg_ctl and postgres are all there and postgres tells its version.
 */
@ApplicationScoped
public class EngineCatalogue {
    private final AgentConfig config;

    public EngineCatalogue(AgentConfig config) {
        this.config = config;
    }

    public List<EngineInfo> engines() {
        List<EngineInfo> found = new ArrayList<>();
        scan(Path.of("/usr/lib/postgresql"), "system", found);
        config.enginesDir().ifPresent(dir -> scan(dir, "bundle", found));
        found.sort(Comparator.comparingInt(EngineInfo::major).thenComparingInt(e -> Integer.parseInt(e.version().split("\\.")[1])));
        return found;
    }

    /** The newest engine of {@code major} ("16") or of the exact {@code major.minor} ("16.4"). */
    public EngineInfo resolve(String version) {
        List<EngineInfo> all = engines();
        return all.stream()
                .filter(e -> version.contains(".") ? e.version().equals(version) : Integer.toString(e.major()).equals(version))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalArgumentException("PostgreSQL " + version + " is not installed on this host; "
                        + "engines here: " + all.stream().map(EngineInfo::version).toList()));
    }

    /**
     * The binaries an instance recorded as running {@code version} ("16.15") starts with: exactly that minor — a
     * restart never moves an instance to another minor (only a maintenance does) — or, when that minor's binaries were
     * removed from the host, the newest of its major, said in the log (the instance must still start).
     */
    public EngineInfo of(String version) {
        List<EngineInfo> all = engines();
        return all.stream().filter(e -> e.version().equals(version)).findFirst().orElseGet(() -> {
            EngineInfo newest = resolve(version.split("\\.")[0]);
            org.jboss.logging.Logger.getLogger(EngineCatalogue.class).warnf(
                    "PostgreSQL %s is no longer installed on this host: using %s of the same major", version, newest.version());
            return newest;
        });
    }

    /** Any engine: enough to stop an instance whose version is unknown. */
    public EngineInfo any() {
        return engines().stream().reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("no PostgreSQL engine on this host"));
    }

    private static void scan(Path root, String source, List<EngineInfo> into) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.map(d -> d.resolve("bin")).filter(EngineCatalogue::complete).forEach(bin -> {
                String version = version(bin);
                if (version != null) {
                    into.add(new EngineInfo(version, Integer.parseInt(version.split("\\.")[0]), bin.toString(), source));
                }
            });
        } catch (IOException e) {
            // an unreadable directory offers no engines
        }
    }

    private static boolean complete(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(b -> Files.isExecutable(bin.resolve(b)));
    }

    /** {@code postgres --version} → "16.4". */
    static String version(Path bin) {
        try {
            Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return parseVersion(out);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → "15.18". */
    static String parseVersion(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?").matcher(output);
        if (!m.find()) {
            return null;
        }
        return m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2));
    }
}
