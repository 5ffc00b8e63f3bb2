package io.pgflex.testkit;

import io.pgflex.launcher.ApiTokens;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Signs pgflex API tokens for tests with key pairs made for this test JVM (nothing is committed).
 * Like the local stack during a key rotation, the services trust a JWK set of two keys, by key id:
 * the current one (every token unless said otherwise) and the next one.
 */
public final class Tokens {
    public static final String ISSUER = ApiTokens.ISSUER;
    public static final String KEY_ID = "test-current";
    public static final String NEXT_KEY_ID = "test-next";
    private static final KeyPair KEYS = ApiTokens.newKeyPair();
    private static final KeyPair NEXT = ApiTokens.newKeyPair();

    private Tokens() {
    }

    /** The JWK set the services trust ({@code mp.jwt.verify.publickey}): the current and the next key. */
    public static String jwks() {
        return ApiTokens.jwks(Map.of(KEY_ID, (RSAPublicKey) KEYS.getPublic(), NEXT_KEY_ID, (RSAPublicKey) NEXT.getPublic()));
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

    /** A platform operator's token: no subscription, the platform claim (e.g. publishing an engine minor as current). */
    public static String operator() {
        return sign(Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-operator").claim("pgflex_platform", "Operator")
                .claim("pgflex_subscriptions", Map.of()).expiresIn(Duration.ofHours(1)));
    }

    /** A token granting {@code role} on {@code subscriptionId}. */
    public static String of(String subscriptionId, String role) {
        return of(Map.of(subscriptionId, role));
    }

    /** The audience pgflex's API tokens are for (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = ApiTokens.AUDIENCE;

    /** The tenant (claim {@code tid}) the tests' tokens are issued in, as Azure's clients read it after signing in. */
    public static final String TENANT = "7e57c0de-0000-4000-8000-00000000f1e5";

    /** A token granting each subscription its role. */
    public static String of(Map<String, String> roles) {
        // minted where ./pgflex token mints the local stack's (launcher's ApiTokens)
        return ApiTokens.mint(new ApiTokens.Claims("test-user", TENANT, roles, Duration.ofHours(1)), KEY_ID, KEYS.getPrivate(),
                Instant.now());
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
                .expiresIn(Duration.ofHours(1)).jws().keyId(KEY_ID).sign(ApiTokens.newKeyPair().getPrivate());
    }
}
