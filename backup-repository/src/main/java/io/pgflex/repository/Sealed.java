package io.pgflex.repository;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The object format of the repository: zstd-compressed, then AES-256-GCM encrypted in chunks of
 * 1 MiB (each with its own tag; nonce = random 8-byte salt ‖ chunk number; the header, the chunk
 * number and a last-chunk flag are authenticated, so reordered, truncated or flipped bytes fail to
 * open). Streams end to end: no object is held whole in memory.
 * Why this long: writer and reader of one format stay side by side, so the format is stated and changed once.
 *
 * <pre>header: "PGFX" ‖ version(1) ‖ flags(1, bit 0 = zstd) ‖ salt(8)
 * chunk:  length(4) ‖ last(1) ‖ ciphertext+tag(length)</pre>
 */
public final class Sealed {
    static final byte[] MAGIC = "PGFX".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sealed() {
    }

    /** A sealing writer: write plaintext, close it to finish the object. */
    public static final class Writer extends FilterOutputStream {
        private final MessageDigest digest;
        private long plainBytes;
        private final ChunkSealer sealer;
        private boolean closed;

        Writer(OutputStream compressed, ChunkSealer sealer) {
            super(compressed);
            this.sealer = sealer;
            this.digest = sha256();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            plainBytes += len;
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }

        /** Gives up on the object (its upload is aborted): frees the compressor, writes nothing more. */
        public void discard() {
            sealer.discarded = true;
            try {
                close();
            } catch (IOException ignored) {
                // nothing reaches the sink any more
            }
        }

        /** Hex SHA-256 of the plaintext written (after close). */
        public String sha256Hex() {
            return HexFormat.of().formatHex(digest.digest());
        }

        public long plainBytes() {
            return plainBytes;
        }

        /** Bytes the object takes in the repository. */
        public long storedBytes() {
            return sealer.written;
        }
    }

    /** Seals into {@code sink} (closed with the writer); {@code zstdLevel} 0 stores uncompressed. */
    public static Writer writer(OutputStream sink, SecretKey key, int zstdLevel) throws IOException {
        byte[] header = new byte[14];
        System.arraycopy(MAGIC, 0, header, 0, 4);
        header[4] = 1;
        header[5] = (byte) (zstdLevel > 0 ? 1 : 0);
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        System.arraycopy(salt, 0, header, 6, 8);
        ChunkSealer sealer = new ChunkSealer(sink, key, header);
        OutputStream compressed = zstdLevel > 0 ? new ZstdOutputStream(sealer, zstdLevel) : sealer;
        return new Writer(compressed, sealer);
    }

    /** The plaintext of a sealed object; fails with {@link TamperedException} on any altered byte. */
    public static InputStream open(InputStream sealed, SecretKey key) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(sealed, 1 << 16));
        byte[] header = new byte[14];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            throw new TamperedException("object shorter than its header");
        }
        if (!Arrays.equals(Arrays.copyOf(header, 4), MAGIC) || header[4] != 1) {
            throw new TamperedException("not a pgflex sealed object (bad header)");
        }
        InputStream plain = new ChunkOpener(in, key, header);
        return (header[5] & 1) != 0 ? new ZstdInputStream(plain) : plain;
    }

    /** Reads a sealed object fully and checks it against its expected plaintext digest; returns its plaintext size. */
    public static long verify(InputStream sealed, SecretKey key, String expectedSha256) throws IOException {
        MessageDigest d = sha256();
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = open(sealed, key)) {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                d.update(buf, 0, r);
                n += r;
            }
        }
        String actual = HexFormat.of().formatHex(d.digest());
        if (expectedSha256 != null && !expectedSha256.equals(actual)) {
            throw new TamperedException("content digest " + actual + " differs from the recorded " + expectedSha256);
        }
        return n;
    }

    public static byte[] seal(byte[] plain, SecretKey key, int zstdLevel) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Writer w = writer(out, key, zstdLevel)) {
            w.write(plain);
        }
        return out.toByteArray();
    }

    public static byte[] unseal(byte[] sealed, SecretKey key) throws IOException {
        try (InputStream in = open(new java.io.ByteArrayInputStream(sealed), key)) {
            return in.readAllBytes();
        }
    }

    /** A sealed object that does not open: altered, truncated or under another key. */
    public static final class TamperedException extends IOException {
        public TamperedException(String message) {
            super(message);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] aad(byte[] header, int index, boolean last) {
        return ByteBuffer.allocate(header.length + 5).put(header).putInt(index).put((byte) (last ? 1 : 0)).array();
    }

    private static byte[] nonce(byte[] header, int index) {
        return ByteBuffer.allocate(12).put(header, 6, 8).putInt(index).array();
    }

    /** Encrypts what is written to it in 1 MiB chunks; the last (possibly empty) chunk on close. */
    static final class ChunkSealer extends OutputStream {
        private final OutputStream sink;
        private final SecretKey key;
        private final byte[] header;
        private final byte[] buffer = new byte[CHUNK];
        private final byte[] sealed = new byte[CHUNK + 16];
        private final Cipher cipher;
        private int filled;
        private int index;
        private long written;
        private boolean closed;
        volatile boolean discarded;

        ChunkSealer(OutputStream sink, SecretKey key, byte[] header) throws IOException {
            this.sink = sink;
            this.key = key;
            this.header = header;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            sink.write(header);
            written = header.length;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (discarded) {
                return;
            }
            while (len > 0) {
                if (filled == CHUNK) {
                    emit(false);
                }
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void emit(boolean last) throws IOException {
            int length;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(header, index)));
                cipher.updateAAD(aad(header, index, last));
                length = cipher.doFinal(buffer, 0, filled, sealed, 0);
            } catch (GeneralSecurityException e) {
                throw new IOException("sealing: " + e.getMessage(), e);
            }
            byte[] frame = ByteBuffer.allocate(5).putInt(length).put((byte) (last ? 1 : 0)).array();
            sink.write(frame);
            sink.write(sealed, 0, length);
            written += frame.length + length;
            index++;
            filled = 0;
        }

        @Override
        public void close() throws IOException {
            if (closed || discarded) {
                closed = true;
                return;
            }
            closed = true;
            emit(true);
            sink.close();
        }
    }

    /** Decrypts chunk by chunk, refusing anything after or missing the last chunk. */
    static final class ChunkOpener extends InputStream {
        private final DataInputStream in;
        private final SecretKey key;
        private final byte[] header;
        private final Cipher cipher;
        // reused for every chunk: no per-chunk garbage on the restore path
        private final byte[] sealedBuf = new byte[CHUNK + 16];
        private final byte[] plain = new byte[CHUNK + 16];
        private int plainLength;
        private int pos;
        private int index;
        private boolean last;

        ChunkOpener(DataInputStream in, SecretKey key, byte[] header) throws IOException {
            this.in = in;
            this.key = key;
            this.header = header;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        private boolean fill() throws IOException {
            while (pos >= plainLength) {
                if (last) {
                    return false;
                }
                int length;
                boolean isLast;
                try {
                    length = in.readInt();
                    isLast = in.readByte() == 1;
                    if (length < 16 || length > CHUNK + 16) {
                        throw new TamperedException("chunk " + index + " has an impossible length " + length);
                    }
                    in.readFully(sealedBuf, 0, length);
                } catch (EOFException e) {
                    throw new TamperedException("object truncated at chunk " + index);
                }
                try {
                    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(header, index)));
                    cipher.updateAAD(aad(header, index, isLast));
                    plainLength = cipher.doFinal(sealedBuf, 0, length, plain, 0);
                } catch (javax.crypto.AEADBadTagException e) {
                    throw new TamperedException("chunk " + index + " fails authentication (altered, or another key)");
                } catch (GeneralSecurityException e) {
                    throw new IOException("opening chunk " + index + ": " + e.getMessage(), e);
                }
                pos = 0;
                index++;
                last = isLast;
                if (last && in.read() >= 0) {
                    throw new TamperedException("bytes after the last chunk");
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? plain[pos++] & 0xff : -1;
        }

        @Override
        public int available() {
            return plainLength - pos;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, plainLength - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
