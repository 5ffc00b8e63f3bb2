package io.pgflex.launcher;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * pgflex API tokens (RS256 JWTs): the one place they are minted and their keys published as a JWK set,
 * for the local stack ({@code ./pgflex token}) and the tests alike.
 */
public final class ApiTokens {
    public static final String ISSUER = "pgflex";
    /** The audience the services accept (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = "pgflex-api";
    /** The longest life the API accepts. */
    public static final Duration LONGEST = Duration.ofHours(24);

    private ApiTokens() {
    }

    /** What a token says: who, in which tenant, which role on which subscription. */
    public record Claims(String subject, String tenant, Map<String, String> roles, Duration lifetime, boolean operator) {
        public Claims(String subject, String tenant, Map<String, String> roles, Duration lifetime) {
            this(subject, tenant, roles, lifetime, false);
        }

        public Claims {
            roles = Map.copyOf(roles);
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("a token lives more than 0 and at most " + LONGEST.toHours() + " hours");
            }
        }
    }

    /** A token signed with {@code key} under key id {@code kid}, issued now. */
    public static String mint(Claims claims, String kid, PrivateKey key, Instant now) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + json(kid) + "\"}";
        String roles = claims.roles().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "\"" + json(e.getKey()) + "\":\"" + json(e.getValue()) + "\"").collect(Collectors.joining(","));
        long iat = now.getEpochSecond();
        // upn and tid: Azure's clients (az login) read who signed in and the tenant from the token
        String payload = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + json(claims.subject())
                + "\",\"upn\":\"" + json(claims.subject()) + "\"," + (claims.tenant() == null ? "" : "\"tid\":\"" + json(claims.tenant()) + "\",")
                + "\"iat\":" + iat + ",\"exp\":" + (iat + claims.lifetime().toSeconds())
                + (claims.operator() ? ",\"pgflex_platform\":\"Operator\"" : "") + ",\"pgflex_subscriptions\":{" + roles + "}}";
        String unsigned = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + b64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
    }

    /**
     * A token of the stack under {@code home}: signed with its current key ({@code secrets/jwt/current}), for its tenant
     * ({@code secrets/jwt/tenant}). Refuses with a sentence when {@code ./pgflex up} has not made them yet.
     */
    public static String mintWithStackKey(Path home, String user, String subscription, String role, Duration lifetime) {
        return mintWithStackKey(home, new Claims(user, null, subscription == null ? Map.of() : Map.of(subscription, role), lifetime));
    }

    /**
     * A platform operator's token of the stack under {@code home} (the {@code pgflex_platform: Operator} claim, no
     * subscription): what the engine catalogue takes.
     */
    public static String mintOperatorWithStackKey(Path home, String user, Duration lifetime) {
        return mintWithStackKey(home, new Claims(user, null, Map.of(), lifetime, true));
    }

    private static String mintWithStackKey(Path home, Claims wanted) {
        Path jwt = home.resolve("secrets/jwt");
        Path current = jwt.resolve("current");
        Path tenantFile = jwt.resolve("tenant");
        if (!Files.isRegularFile(current)) {
            throw new IllegalArgumentException("no signing key in " + home + ": run ./pgflex up first");
        }
        String tenant = Files.isRegularFile(tenantFile) ? StackSecrets.read(tenantFile).strip() : "";
        if (tenant.isEmpty()) {
            throw new IllegalArgumentException("no tenant id in " + tenantFile + ": run ./pgflex up first");
        }
        String kid = StackSecrets.read(current).strip();
        PrivateKey key = readPrivate(StackSecrets.read(jwt.resolve(kid + ".key")));
        return mint(new Claims(wanted.subject(), tenant, wanted.roles(), wanted.lifetime(), wanted.operator()), kid, key, Instant.now());
    }

    /** The JWK set of these public keys, by key id (what the services trust). */
    public static String jwks(Map<String, RSAPublicKey> keys) {
        return keys.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> jwk(e.getKey(), e.getValue()))
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    public static String jwk(String kid, RSAPublicKey key) {
        return "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + json(kid) + "\",\"n\":\"" + unsigned(key.getModulus())
                + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}";
    }

    /** A new RSA 2048 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String publicPem(RSAPublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** A PKCS#8 private key in PEM (what {@code openssl genpkey} writes). */
    public static PrivateKey readPrivate(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA private key in PKCS#8 PEM", e);
        }
    }

    /** An X.509 SubjectPublicKeyInfo in PEM (what {@code openssl pkey -pubout} writes). */
    public static RSAPublicKey readPublic(String pem) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key in PEM", e);
        }
    }

    private static byte[] der(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + type + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return b64(b);
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
