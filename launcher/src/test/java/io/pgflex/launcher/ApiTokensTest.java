package io.pgflex.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
    private static final KeyPair KEYS = ApiTokens.newKeyPair();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static String mint(Duration lifetime) {
        return ApiTokens.mint(new ApiTokens.Claims("alice", "tenant-1", Map.of("sub-1", "Reader"), lifetime), "k1",
                KEYS.getPrivate(), NOW);
    }

    private static String part(String token, int i) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[i]), StandardCharsets.UTF_8);
    }

    @Test
    void aTokenVerifiesWithThePublicKeyItsKeyIdNames() throws Exception {
        String token = mint(Duration.ofHours(1));

        String[] p = token.split("\\.");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(KEYS.getPublic());
        rs256.update((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(Base64.getUrlDecoder().decode(p[2])));
        assertTrue(part(token, 0).contains("\"kid\":\"k1\""));
    }

    @Test
    void aTokenCarriesItsRoleTenantAudienceAndExpiry() {
        String claims = part(mint(Duration.ofHours(2)), 1);

        assertTrue(claims.contains("\"pgflex_subscriptions\":{\"sub-1\":\"Reader\"}"), claims);
        assertTrue(claims.contains("\"tid\":\"tenant-1\""), claims);
        assertTrue(claims.contains("\"aud\":\"pgflex-api\""), claims);
        assertTrue(claims.contains("\"exp\":" + (NOW.getEpochSecond() + 7200)), claims);
    }

    @Test
    void anOperatorsTokenCarriesThePlatformClaimAndNoSubscription() {
        String claims = part(ApiTokens.mint(new ApiTokens.Claims("ops", "tenant-1", java.util.Map.of(), Duration.ofHours(1), true),
                "k1", KEYS.getPrivate(), NOW), 1);

        assertTrue(claims.contains("\"pgflex_platform\":\"Operator\""), claims);
        assertTrue(claims.contains("\"pgflex_subscriptions\":{}"), claims);
    }

    @Test
    void aTenantsTokenHasNoPlatformClaim() {
        String claims = part(mint(Duration.ofHours(1)), 1);

        assertTrue(!claims.contains("pgflex_platform"), claims);
    }

    @Test
    void aTokenLivingLongerThanTheApiAcceptsIsNotMinted() {
        assertThrows(IllegalArgumentException.class, () -> mint(Duration.ofHours(25)));
    }

    @Test
    void keysSurviveTheirPemForm() {
        RSAPublicKey pub = ApiTokens.readPublic(ApiTokens.publicPem((RSAPublicKey) KEYS.getPublic()));

        assertEquals(KEYS.getPublic(), pub);
        assertEquals(KEYS.getPrivate(), ApiTokens.readPrivate(ApiTokens.privatePem(KEYS.getPrivate())));
    }

    @Test
    void theJwkSetPublishesModulusWithoutTheSignByteAndNoPrivatePart() {
        String jwks = ApiTokens.jwks(Map.of("k1", (RSAPublicKey) KEYS.getPublic()));

        assertTrue(jwks.contains("\"e\":\"AQAB\""), jwks);
        assertFalse(jwks.contains("\"d\""), jwks);
        String n = jwks.replaceAll(".*\"n\":\"([^\"]+)\".*", "$1");
        assertEquals(256, Base64.getUrlDecoder().decode(n).length); // 2048 bits, no leading zero byte
    }
}
