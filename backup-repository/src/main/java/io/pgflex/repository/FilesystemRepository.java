package io.pgflex.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A directory (local disk or a mounted share). An object is written to a temporary name, fsynced
 * and renamed into place, so a crash leaves either the whole object or none.
 */
public final class FilesystemRepository implements BackupRepository {
    private final Path root;

    public FilesystemRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Upload create(String key) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
        return new Upload() {
            private boolean done;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (done) {
                    return;
                }
                done = true;
                try {
                    out.flush();
                    channel.force(true);
                    out.close();
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    forceDirectory(target.getParent()); // the new name survives a crash too
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(tmp);
                    throw e;
                }
            }

            @Override
            public void abort() {
                if (done) {
                    return;
                }
                done = true;
                try {
                    out.close();
                } catch (IOException ignored) {
                    // dropped anyway
                }
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary name is never listed
                }
            }
        };
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.createLink(target, tmp); // link(2) fails when the name exists: the first writer wins
            forceDirectory(target.getParent());
            return true;
        } catch (java.nio.file.FileAlreadyExistsException taken) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(path(key));
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path p = path(key);
        return Files.isRegularFile(p) ? Optional.of(Files.size(p)) : Optional.empty();
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        // walk from the deepest directory the prefix names
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : path(prefix.substring(0, slash));
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return out;
        }
        try (var walk = Files.walk(start)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p) || name.startsWith(".")) {
                    continue;
                }
                String key = root.relativize(p).toString();
                if (key.startsWith(prefix)) {
                    try {
                        out.add(new Entry(key, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
                    } catch (NoSuchFileException gone) {
                        // deleted meanwhile
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        Path p = path(key);
        Files.deleteIfExists(p);
        // drop directories left empty, up to the root
        for (Path dir = p.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    break;
                }
            } catch (NoSuchFileException gone) {
                continue;
            }
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException raced) {
                break;
            }
        }
    }

    @Override
    public String describe() {
        return "filesystem " + root;
    }

    private Path path(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("key outside the repository: " + key);
        }
        return p;
    }
}
