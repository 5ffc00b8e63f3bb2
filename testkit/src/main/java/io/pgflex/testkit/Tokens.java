package io.pgflex.testkit;

import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Signs pgflex API tokens for tests with key pairs made for this test JVM (nothing is committed).
 * Like the local stack during a key rotation, the services trust a JWK set of two keys, by key id:
 * the current one (every token unless said otherwise) and the next one.
 */
public final class Tokens {
    public static final String ISSUER = "pgflex";
    public static final String KEY_ID = "test-current";
    public static final String NEXT_KEY_ID = "test-next";
    private static final KeyPair KEYS = generate();
    private static final KeyPair NEXT = generate();

    private Tokens() {
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWK set the services trust ({@code mp.jwt.verify.publickey}): the current and the next key. */
    public static String jwks() {
        return "{\"keys\":[" + jwk(KEY_ID, KEYS) + "," + jwk(NEXT_KEY_ID, NEXT) + "]}";
    }

    private static String jwk(String kid, KeyPair keys) {
        var pub = (java.security.interfaces.RSAPublicKey) keys.getPublic();
        return "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\"" + b64(pub.getModulus())
                + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}";
    }

    private static String b64(java.math.BigInteger v) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = java.util.Arrays.copyOfRange(b, 1, b.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String sign(io.smallrye.jwt.build.JwtClaimsBuilder claims) {
        return claims.jws().keyId(KEY_ID).sign(KEYS.getPrivate());
    }

    /** A token signed with the next key of a rotation (accepted alongside the current one). */
    public static String withNextKey(String subscriptionId, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(Duration.ofHours(1)).jws().keyId(NEXT_KEY_ID).sign(NEXT.getPrivate());
    }

    /** A token whose key id names no trusted key (a retired one), though signed with the current key: the id decides. */
    public static String withUnknownKeyId(String subscriptionId, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(Duration.ofHours(1)).jws().keyId("test-retired").sign(KEYS.getPrivate());
    }

    /** A token signed with the next key but claiming the current key's id. */
    public static String withMismatchedKeyId(String subscriptionId, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(Duration.ofHours(1)).jws().keyId(KEY_ID).sign(NEXT.getPrivate());
    }

    /** A token granting {@code role} on {@code subscriptionId}. */
    public static String of(String subscriptionId, String role) {
        return of(Map.of(subscriptionId, role));
    }

    /** The audience pgflex's API tokens are for (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = "pgflex-api";

    /** The tenant (claim {@code tid}) the tests' tokens are issued in, as Azure's clients read it after signing in. */
    public static final String TENANT = "7e57c0de-0000-4000-8000-00000000f1e5";

    /** A token granting each subscription its role. */
    public static String of(Map<String, String> roles) {
        return sign(Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("tid", TENANT)
                .claim("pgflex_subscriptions", roles).expiresIn(Duration.ofHours(1)));
    }

    /** A correctly signed token for another audience ({@code null}: none). */
    public static String forAudience(String subscriptionId, String role, String audience) {
        var b = Jwt.issuer(ISSUER).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role));
        if (audience != null) {
            b = b.audience(audience);
        }
        return sign(b.expiresIn(Duration.ofHours(1)));
    }

    /** A correctly signed token valid for {@code lifetime} from now. */
    public static String lasting(String subscriptionId, String role, Duration lifetime) {
        return sign(Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(lifetime));
    }

    /** A token for the same subscriptions signed by a key nobody trusts. */
    public static String forged(String subscriptionId, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("forger").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(Duration.ofHours(1)).jws().keyId(KEY_ID).sign(generate().getPrivate());
    }
}
