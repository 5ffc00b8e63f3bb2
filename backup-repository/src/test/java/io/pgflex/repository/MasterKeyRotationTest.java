package io.pgflex.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup master key is rotated: what was backed up under the old key is restored with the new key alone. */
class MasterKeyRotationTest {
    @TempDir
    Path dir;

    private Path keyFile(String name) throws IOException {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        Path f = dir.resolve(name);
        Files.writeString(f, Base64.getEncoder().encodeToString(k) + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private BackupStore store(Map<String, String> config) {
        Map<String, String> c = new java.util.HashMap<>(config);
        c.put("pgflex.backup.repository.path", dir.resolve("repo").toString());
        return new BackupStore(k -> Optional.ofNullable(c.get(k)), dir.resolve("repo"));
    }

    @Test
    void aBackupMadeUnderTheOldKeyIsRestoredWithTheNewKeyAloneAfterTheRewrap() throws Exception {
        Path old = keyFile("old.key");
        Path fresh = keyFile("new.key");
        String server = UUID.randomUUID().toString();
        byte[] plain = "base backup of a server before the rotation".getBytes(StandardCharsets.UTF_8);
        String object = RepositoryLayout.dataFile(server, "b1", "base/1/1234");
        try (BackupStore before = store(Map.of(MasterKeys.FILE, old.toString()))) {
            before.repository().put(object, Sealed.seal(plain, before.dataKey(server), 3));
        }
        try (BackupStore rotating = store(Map.of(MasterKeys.FILE, fresh.toString(), MasterKeys.PREVIOUS_FILES, old.toString()))) {
            assertEquals(new KeyRing.Rewrapped(1, 0), rotating.rewrap());
            assertEquals(new KeyRing.Rewrapped(0, 1), rotating.rewrap(), "a second run has nothing left to do");
        }
        Files.delete(old);
        try (BackupStore after = store(Map.of(MasterKeys.FILE, fresh.toString()))) {
            assertArrayEquals(plain, Sealed.unseal(after.repository().read(object), after.existingDataKey(server)));
        }
    }

    @Test
    void withoutTheRewrapTheNewKeyAloneCannotRestoreWhatTheOldKeyWrapped() throws Exception {
        Path old = keyFile("old.key");
        Path fresh = keyFile("new.key");
        String server = UUID.randomUUID().toString();
        try (BackupStore before = store(Map.of(MasterKeys.FILE, old.toString()))) {
            before.dataKey(server);
        }
        try (BackupStore after = store(Map.of(MasterKeys.FILE, fresh.toString()))) {
            IOException e = assertThrows(IOException.class, () -> after.existingDataKey(server));
            assertTrue(e.getMessage().contains("not by a configured one"), e.getMessage());
        }
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path open = keyFile("open.key");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        try (BackupStore s = store(Map.of(MasterKeys.FILE, open.toString()))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.dataKey(UUID.randomUUID().toString()));
            assertTrue(e.getMessage().contains("make it 0600"), e.getMessage());
        }
    }
}
