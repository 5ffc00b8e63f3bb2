package io.pgflex.repository;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where backups live: a flat key space of immutable objects ("servers/{id}/wal/…"). Objects appear
 * whole or not at all: {@link #create} returns a stream that publishes the object when closed and
 * publishes nothing when {@link Upload#abort() aborted}. Implementations: filesystem, S3, Azure Blob.
 */
public interface BackupRepository extends AutoCloseable {

    /** A new object written as a stream; {@code close()} publishes it, {@link #abort()} drops it. */
    abstract class Upload extends OutputStream {
        public abstract void abort();
    }

    Upload create(String key) throws IOException;

    /**
     * Stores a small object only if none exists under the key, atomically where the store allows
     * (a link on a filesystem, If-None-Match on S3 and Azure); false when one was there.
     */
    boolean putIfAbsent(String key, byte[] content) throws IOException;

    /** The object's bytes; {@link java.nio.file.NoSuchFileException} when it does not exist. */
    InputStream open(String key) throws IOException;

    /** Size of the object, empty when it does not exist. */
    Optional<Long> size(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<Entry> list(String prefix) throws IOException;

    /** Removes the object; removing a missing object succeeds. */
    void delete(String key) throws IOException;

    /** Where the repository is, for logs and status (no secrets). */
    String describe();

    @Override
    default void close() {
    }

    record Entry(String key, long size, Instant lastModified) {
    }

    default void put(String key, byte[] content) throws IOException {
        Upload up = create(key);
        try {
            up.write(content);
        } catch (IOException | RuntimeException e) {
            up.abort();
            throw e;
        }
        up.close();
    }

    default byte[] read(String key) throws IOException {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        }
    }

    default void deletePrefix(String prefix) throws IOException {
        for (Entry e : list(prefix)) {
            delete(e.key());
        }
    }
}
