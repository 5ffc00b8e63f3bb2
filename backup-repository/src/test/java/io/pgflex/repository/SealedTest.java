package io.pgflex.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SealedTest {
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");

    private static byte[] sample(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        for (int i = 0; i < size; i += 7) {
            b[i] = 'x'; // partly compressible
        }
        return b;
    }

    @Test
    void roundTripsAcrossChunkBoundaries() throws Exception {
        for (int size : new int[] {0, 1, Sealed.CHUNK - 1, Sealed.CHUNK, 3 * Sealed.CHUNK + 17}) {
            byte[] plain = sample(size);
            assertArrayEquals(plain, Sealed.unseal(Sealed.seal(plain, KEY, 3), KEY), "size " + size);
            assertArrayEquals(plain, Sealed.unseal(Sealed.seal(plain, KEY, 0), KEY), "uncompressed, size " + size);
        }
    }

    @Test
    void holdsNoPlaintext() throws Exception {
        byte[] plain = ("marker-7f3a " + "row ".repeat(1000)).getBytes(StandardCharsets.UTF_8);
        byte[] sealed = Sealed.seal(plain, KEY, 0); // even uncompressed
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("marker-7f3a"));
    }

    @Test
    void refusesAnyFlippedByte() throws Exception {
        byte[] sealed = Sealed.seal(sample(2 * Sealed.CHUNK + 5), KEY, 3);
        for (int at : new int[] {5, 20, sealed.length / 2, sealed.length - 1}) {
            byte[] bad = sealed.clone();
            bad[at] ^= 0x01;
            assertThrows(java.io.IOException.class, () -> Sealed.unseal(bad, KEY), "flip at " + at);
        }
    }

    @Test
    void refusesTruncationAndAnotherKey() throws Exception {
        byte[] plain = sample(3 * Sealed.CHUNK);
        byte[] sealed = Sealed.seal(plain, KEY, 0);
        // cut right after the first chunk: every remaining chunk authenticates, but the last one is missing
        int firstChunk = 14 + 5 + Sealed.CHUNK + 16;
        byte[] cut = java.util.Arrays.copyOf(sealed, firstChunk);
        var e = assertThrows(Sealed.TamperedException.class, () -> Sealed.unseal(cut, KEY));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        SecretKey other = new SecretKeySpec(new byte[32], 0, 32, "AES") {
            @Override
            public byte[] getEncoded() {
                byte[] k = new byte[32];
                k[0] = 1;
                return k;
            }
        };
        assertThrows(Sealed.TamperedException.class, () -> Sealed.unseal(sealed, other));
    }

    @Test
    void verifyComparesTheDigest() throws Exception {
        byte[] plain = sample(1000);
        Sealed.Writer w;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Sealed.Writer writer = Sealed.writer(out, KEY, 3)) {
            writer.write(plain);
            w = writer;
        }
        assertEquals(1000, Sealed.verify(new java.io.ByteArrayInputStream(out.toByteArray()), KEY, w.sha256Hex()));
        assertThrows(Sealed.TamperedException.class,
                () -> Sealed.verify(new java.io.ByteArrayInputStream(out.toByteArray()), KEY, "00"));
    }
}
