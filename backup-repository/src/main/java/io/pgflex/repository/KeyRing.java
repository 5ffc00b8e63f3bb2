package io.pgflex.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption: every server has its own random 256-bit data key, stored in the repository
 * only wrapped (AES-256-GCM) by the master key from configuration, with the server id bound in as
 * associated data. The master key never reaches the repository; a data key never in the clear.
 * During a rotation the previous master keys still unwrap (each wrapped key names its master key's
 * id) while new data keys, and {@link #rewrap}, use the current one.
 */
public final class KeyRing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretKey master;
    private final String masterKeyId;
    private final Map<String, SecretKey> unwrapping = new java.util.LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> dataKeys = new ConcurrentHashMap<>();

    /** @param masterKeyBase64 32 random bytes, base64 ({@code openssl rand -base64 32}) */
    public KeyRing(String masterKeyBase64) {
        this(masterKeyBase64, java.util.List.of());
    }

    /** The current master key, and previous ones that still unwrap what they wrapped (a rotation in progress). */
    public KeyRing(String masterKeyBase64, java.util.List<String> previousBase64) {
        this.master = key(masterKeyBase64);
        this.masterKeyId = id(master);
        unwrapping.put(masterKeyId, master);
        for (String previous : previousBase64) {
            SecretKey k = key(previous);
            unwrapping.putIfAbsent(id(k), k);
        }
    }

    private static SecretKey key(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a backup master key is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("a backup master key must be 32 bytes (base64 of 256 random bits), not "
                    + key.length);
        }
        return new SecretKeySpec(key, "AES");
    }

    /** The public id of a master key: the first 8 bytes of its SHA-256, hex. */
    private static String id(SecretKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@link #rewrap} did. */
    public record Rewrapped(int rewrapped, int alreadyCurrent) {
    }

    /**
     * Wraps every server's data key in {@code repo} under the current master key (unwrapping each
     * with the master key it names). The data keys themselves, and so every backup and WAL file, stay
     * as they are. Fails, leaving the rest untouched, on a data key no known master key unwraps.
     */
    public Rewrapped rewrap(BackupRepository repo) throws IOException {
        int done = 0;
        int current = 0;
        for (BackupRepository.Entry e : repo.list("servers/")) {
            if (!e.key().endsWith("/data-key.json")) {
                continue;
            }
            String serverId = e.key().substring("servers/".length(), e.key().length() - "/data-key.json".length());
            byte[] stored = repo.read(e.key());
            if (masterKeyId.equals(JSON.readValue(stored, Map.class).get("masterKeyId"))) {
                current++;
                continue;
            }
            SecretKey dataKey = unwrap(stored, serverId);
            byte[] again = wrap(dataKey.getEncoded(), serverId);
            unwrap(again, serverId); // proven to unwrap before it replaces the old one
            repo.put(e.key(), again);
            done++;
        }
        return new Rewrapped(done, current);
    }

    /** The server's data key: read from the repository and unwrapped, or made and stored wrapped when it has none. */
    public SecretKey dataKey(BackupRepository repo, String serverId) throws IOException {
        SecretKey known = dataKeys.get(serverId);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            known = dataKeys.get(serverId);
            if (known != null) {
                return known;
            }
            String key = RepositoryLayout.dataKey(serverId);
            SecretKey k;
            try {
                k = unwrap(repo.read(key), serverId);
            } catch (NoSuchFileException absent) {
                byte[] fresh = new byte[32];
                random.nextBytes(fresh);
                // two agents may reach here for one server (a primary and its standby): one key wins, both use it
                repo.putIfAbsent(key, wrap(fresh, serverId));
                k = unwrap(repo.read(key), serverId);
            }
            dataKeys.put(serverId, k);
            return k;
        }
    }

    /** The data key when it exists (reading a server's backups never creates one). */
    public SecretKey existingDataKey(BackupRepository repo, String serverId) throws IOException {
        SecretKey known = dataKeys.get(serverId);
        if (known != null) {
            return known;
        }
        SecretKey k = unwrap(repo.read(RepositoryLayout.dataKey(serverId)), serverId);
        dataKeys.put(serverId, k);
        return k;
    }

    byte[] wrap(byte[] dataKey, String serverId) {
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(128, nonce));
            c.updateAAD(serverId.getBytes(StandardCharsets.UTF_8));
            byte[] wrapped = c.doFinal(dataKey);
            return JSON.writeValueAsBytes(Map.of("format", 1, "algorithm", "AES-256-GCM", "masterKeyId", masterKeyId,
                    "nonce", Base64.getEncoder().encodeToString(nonce), "wrappedKey", Base64.getEncoder().encodeToString(wrapped)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("wrapping a data key: " + e.getMessage(), e);
        }
    }

    SecretKey unwrap(byte[] stored, String serverId) throws IOException {
        Map<?, ?> m = JSON.readValue(stored, Map.class);
        SecretKey wrapping = unwrapping.get(String.valueOf(m.get("masterKeyId")));
        if (wrapping == null) {
            throw new IOException("the data key of server " + serverId + " is wrapped by master key " + m.get("masterKeyId")
                    + ", not by a configured one (" + String.join(", ", unwrapping.keySet()) + ")");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, wrapping, new GCMParameterSpec(128, Base64.getDecoder().decode((String) m.get("nonce"))));
            c.updateAAD(serverId.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(c.doFinal(Base64.getDecoder().decode((String) m.get("wrappedKey"))), "AES");
        } catch (GeneralSecurityException e) {
            throw new IOException("the data key of server " + serverId + " does not unwrap: " + e.getMessage(), e);
        }
    }

    public String masterKeyId() {
        return masterKeyId;
    }
}
