package io.pgflex.agent.replication;

import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.contracts.agent.InstanceSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The wire format of a base backup streamed from one agent to another for a new standby: the header's length and JSON
 * ({@link CloneHeader}), then entries — a directory, or a file in chunks ended by a zero length — under {@code tls/} or
 * {@code pgdata/}, then the end marker. The receiving side writes nothing outside the two directories.
 */
final class CloneStream {
    static final byte END = 0;
    static final byte FILE = 1;
    static final byte DIR = 2;

    /** Header of a base-backup stream: the instance's spec, its engine and the replication password. */
    record CloneHeader(InstanceSpec spec, String engineVersion, String password) {
    }

    private CloneStream() {
    }

    /** Reads entries until the end marker; returns the bytes written. */
    static long receive(DataInputStream in, Path pgdata, Path tls) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        while (true) {
            byte kind = in.readByte();
            if (kind == END) {
                return total;
            }
            String name = in.readUTF();
            Path target = target(name, pgdata, tls);
            if (kind == DIR) {
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                continue;
            }
            Files.createDirectories(target.getParent());
            // PostgreSQL's own modes: data and keys readable by its user alone
            try (OutputStream out = Files.newOutputStream(target)) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                for (int n = in.readInt(); n > 0; n = in.readInt()) {
                    if (n > buf.length) {
                        throw new IOException("chunk of " + n + " bytes in " + name);
                    }
                    in.readFully(buf, 0, n);
                    out.write(buf, 0, n);
                    total += n;
                }
            }
        }
    }

    static Path target(String name, Path pgdata, Path tls) throws IOException {
        Path base;
        String rel;
        if (name.startsWith("pgdata/")) {
            base = pgdata;
            rel = name.substring(7);
        } else if (name.startsWith("tls/")) {
            base = tls;
            rel = name.substring(4);
        } else {
            throw new IOException("unexpected entry " + name);
        }
        Path target = base.resolve(rel).normalize();
        if (!target.startsWith(base) || rel.isEmpty()) {
            throw new IOException("entry outside its directory: " + name);
        }
        return target;
    }

    static long sendTree(DataOutputStream out, Path root, String prefix, boolean pgdata) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long total = 0;
        List<Path> paths;
        try (var walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        byte[] buf = new byte[1 << 16];
        for (Path p : paths) {
            Path rel = root.relativize(p);
            String name = prefix + rel.toString();
            if (pgdata && InstanceLayout.skipped(rel)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                out.writeByte(DIR);
                out.writeUTF(name);
                continue;
            }
            if (!Files.isRegularFile(p)) {
                continue;
            }
            InputStream in;
            try {
                in = Files.newInputStream(p);
            } catch (NoSuchFileException gone) {
                continue; // removed meanwhile (a temporary file): WAL replay does not need it
            }
            try (in) {
                out.writeByte(FILE);
                out.writeUTF(name);
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (n > 0) {
                        out.writeInt(n);
                        out.write(buf, 0, n);
                        total += n;
                    }
                }
                out.writeInt(0);
            }
        }
        return total;
    }

    static void sendBytes(DataOutputStream out, String name, byte[] content) throws IOException {
        out.writeByte(FILE);
        out.writeUTF(name);
        out.writeInt(content.length);
        out.write(content);
        out.writeInt(0);
    }
}
