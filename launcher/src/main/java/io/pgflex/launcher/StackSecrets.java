package io.pgflex.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local stack's secrets: one 0600 file each under {@code $PGFLEX_HOME/secrets}, made once with
 * random content and read from there (never from the environment, never printed).
 */
public final class StackSecrets implements LocalStack.Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Path dir;

    public StackSecrets(Path dir) {
        this.dir = dir;
    }

    /** The secret's value; made (32 letters and digits) if it does not exist yet. */
    @Override
    public String get(String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f) || size(f) == 0) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                b.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
            }
            write(f, b.toString());
        }
        return read(f).strip();
    }

    /** A secret that must exist already (a reader such as the self-check never makes one): refuses with a sentence. */
    public String existing(String name) {
        if (!exists(name)) {
            throw new IllegalStateException("secret " + name + " is missing in " + dir + ": ./pgflex up makes it");
        }
        return read(dir.resolve(name)).strip();
    }

    @Override
    public boolean exists(String name) {
        Path f = dir.resolve(name);
        return Files.isRegularFile(f) && size(f) > 0;
    }

    /** The backup master key: 32 random bytes, base64, made if it does not exist yet. */
    public void ensureMasterKey(String name) {
        if (!exists(name)) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            write(dir.resolve(name), Base64.getEncoder().encodeToString(key) + "\n");
        }
    }

    /** Writes {@code content} readable by the owner only, atomically. */
    static void write(Path f, String content) {
        try {
            if (!Files.isDirectory(f.getParent())) {
                // secrets/ and its subdirectories: the owner's only
                Files.createDirectories(f.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(f.getParent(), "." + f.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
