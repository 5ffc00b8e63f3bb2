package io.pgflex.testkit;

import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** Signs pgflex API tokens for tests with a key pair made for this test JVM (nothing is committed). */
public final class Tokens {
    public static final String ISSUER = "pgflex";
    private static final KeyPair KEYS = generate();

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

    public static String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A token granting {@code role} on {@code subscriptionId}. */
    public static String of(String subscriptionId, String role) {
        return of(Map.of(subscriptionId, role));
    }

    /** The audience pgflex's API tokens are for (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = "pgflex-api";

    /** A token granting each subscription its role. */
    public static String of(Map<String, String> roles) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", roles)
                .expiresIn(Duration.ofHours(1)).sign(KEYS.getPrivate());
    }

    /** A correctly signed token for another audience ({@code null}: none). */
    public static String forAudience(String subscriptionId, String role, String audience) {
        var b = Jwt.issuer(ISSUER).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role));
        if (audience != null) {
            b = b.audience(audience);
        }
        return b.expiresIn(Duration.ofHours(1)).sign(KEYS.getPrivate());
    }

    /** A correctly signed token valid for {@code lifetime} from now. */
    public static String lasting(String subscriptionId, String role, Duration lifetime) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(lifetime).sign(KEYS.getPrivate());
    }

    /** A token for the same subscriptions signed by a key nobody trusts. */
    public static String forged(String subscriptionId, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("forger").claim("pgflex_subscriptions", Map.of(subscriptionId, role))
                .expiresIn(Duration.ofHours(1)).sign(generate().getPrivate());
    }
}
