package io.pgflex.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.ObjectStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same behaviour from every implementation, each against a real server (s3proxy, Azurite) or disk. */
class RepositoryContractTest {
    private static ObjectStores.Store s3;
    private static ObjectStores.Store azure;
    private static Path fsRoot;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createDirectories(Path.of("target/repository-test")).toAbsolutePath();
        fsRoot = Files.createTempDirectory(base, "fs");
        s3 = ObjectStores.s3proxy(Files.createTempDirectory(base, "s3proxy"));
        azure = ObjectStores.azurite(Files.createTempDirectory(base, "azurite"));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (azure != null) {
            azure.close();
        }
    }

    static Stream<String> kinds() {
        return Stream.of("filesystem", "s3", "azure");
    }

    private static RepositoryConfig config(String kind) {
        Map<String, String> settings = switch (kind) {
            case "s3" -> s3.settings();
            case "azure" -> azure.settings();
            default -> Map.of("pgflex.backup.repository.path", fsRoot.toString());
        };
        return RepositoryConfig.read(k -> Optional.ofNullable(settings.get(k)), fsRoot);
    }

    private static Path dataDir(String kind) {
        return switch (kind) {
            case "s3" -> s3.dataDir();
            case "azure" -> azure.dataDir();
            default -> fsRoot;
        };
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void storesListsReadsAndDeletes(String kind) throws Exception {
        try (BackupRepository repo = config(kind).open()) {
            String p = "servers/contract-" + kind + "/";
            byte[] small = "hello".getBytes(StandardCharsets.UTF_8);
            byte[] large = new byte[ChunkedUpload.PART_SIZE * 2 + 123]; // multipart / staged blocks
            new java.util.Random(1).nextBytes(large);
            repo.put(p + "a/small", small);
            repo.put(p + "b/large", large);
            assertArrayEquals(small, repo.read(p + "a/small"));
            assertArrayEquals(large, repo.read(p + "b/large"));
            assertEquals(Optional.of((long) large.length), repo.size(p + "b/large"));
            assertEquals(Optional.empty(), repo.size(p + "missing"));
            assertThrows(NoSuchFileException.class, () -> repo.read(p + "missing"));
            assertEquals(List.of(p + "a/small", p + "b/large"), repo.list(p).stream().map(BackupRepository.Entry::key).toList());
            assertEquals(List.of(p + "b/large"), repo.list(p + "b/").stream().map(BackupRepository.Entry::key).toList());

            BackupRepository.Upload aborted = repo.create(p + "c/aborted");
            aborted.write(large);
            aborted.abort();
            assertEquals(Optional.empty(), repo.size(p + "c/aborted"), "an aborted upload publishes nothing");

            assertTrue(repo.putIfAbsent(p + "c/once", small));
            assertFalse(repo.putIfAbsent(p + "c/once", "other".getBytes(StandardCharsets.UTF_8)), "the first writer wins");
            assertArrayEquals(small, repo.read(p + "c/once"));
            repo.delete(p + "c/once");

            repo.delete(p + "a/small");
            repo.delete(p + "a/small"); // twice is fine
            assertEquals(List.of(p + "b/large"), repo.list(p).stream().map(BackupRepository.Entry::key).toList());
            repo.deletePrefix(p);
            assertTrue(repo.list(p).isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void keepsOnlySealedBytesAndTheWrappedKey(String kind) throws Exception {
        KeyRing ring = new KeyRing(Base64.getEncoder().encodeToString(new byte[32]));
        try (BackupRepository repo = config(kind).open()) {
            String server = "sealed-" + kind;
            var key = ring.dataKey(repo, server);
            byte[] plain = ("secret-marker-" + kind + " ").repeat(10_000).getBytes(StandardCharsets.UTF_8);
            repo.put(RepositoryLayout.wal(server, "000000010000000000000001"), Sealed.seal(plain, key, 3));
            assertArrayEquals(plain, Sealed.unseal(repo.read(RepositoryLayout.wal(server, "000000010000000000000001")), key));
            // a second key ring (another process) unwraps the same data key
            assertArrayEquals(key.getEncoded(), new KeyRing(Base64.getEncoder().encodeToString(new byte[32]))
                    .existingDataKey(repo, server).getEncoded());
            try (var files = Files.walk(dataDir(kind))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("secret-marker"),
                            "plaintext in " + f);
                }
            }
        }
    }
}
