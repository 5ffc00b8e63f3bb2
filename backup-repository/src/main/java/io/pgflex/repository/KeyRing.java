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
 */
public final class KeyRing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretKey master;
    private final String masterKeyId;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> dataKeys = new ConcurrentHashMap<>();

    /** @param masterKeyBase64 32 random bytes, base64 ({@code openssl rand -base64 32}) */
    public KeyRing(String masterKeyBase64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(masterKeyBase64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pgflex.backup.master-key is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("pgflex.backup.master-key must be 32 bytes (base64 of 256 random bits), not "
                    + key.length);
        }
        this.master = new SecretKeySpec(key, "AES");
        try {
            this.masterKeyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
        if (!masterKeyId.equals(m.get("masterKeyId"))) {
            throw new IOException("the data key of server " + serverId + " is wrapped by master key " + m.get("masterKeyId")
                    + ", not by the configured one (" + masterKeyId + ")");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(128, Base64.getDecoder().decode((String) m.get("nonce"))));
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
