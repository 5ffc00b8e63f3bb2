package io.pgflex.support.auth;

import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who may touch which subscription. Every API call carries a bearer JWT whose claim
 * {@value #CLAIM} maps subscription ids to a role (Reader, Contributor, Owner). A subscription the
 * token does not list answers 404, never 403, so other tenants' names do not leak; a Reader that
 * tries to write gets 403; no or an invalid token gets 401.
 */
@RequestScoped
public class TenantGuard {
    public static final String CLAIM = "pgflex_subscriptions";
    /** The claim of a platform operator's token: {@value #OPERATOR} (no tenant holds it; it names no subscription). */
    public static final String PLATFORM_CLAIM = "pgflex_platform";
    public static final String OPERATOR = "Operator";

    public enum Role {
        Reader, Contributor, Owner;

        public boolean canWrite() {
            return this != Reader;
        }
    }

    private final Instance<JsonWebToken> token;

    public TenantGuard(Instance<JsonWebToken> token) {
        this.token = token;
    }

    /** The caller may read {@code subscriptionId}; returns its role there. */
    public Role read(String subscriptionId) {
        return role(subscriptionId);
    }

    /** The caller may change {@code subscriptionId}; returns its role there. */
    public Role write(String subscriptionId) {
        Role role = role(subscriptionId);
        if (!role.canWrite()) {
            throw new ArmException(403, ErrorCodes.AUTHORIZATION_FAILED, "The client has role " + role
                    + " on subscription '" + subscriptionId + "', which does not allow this write.", null);
        }
        return role;
    }

    /**
     * Who calls, as ARM's systemData names it: the token's subject, an Application when the token says
     * so ({@code idtyp: app}, as Microsoft Entra ID's app-only tokens do), else a User.
     */
    public record Caller(String id, String type) {
    }

    /** The verified caller; see {@link Caller}. */
    public Caller caller() {
        JsonWebToken jwt = verifiedToken();
        Object idtyp = jwt.getClaim("idtyp");
        String type = idtyp != null && "app".equalsIgnoreCase(idtyp.toString().replace("\"", "")) ? "Application" : "User";
        return new Caller(jwt.getSubject(), type);
    }

    /** The subscriptions the verified caller's token names, each with its role there (ARM's subscription list). */
    public Map<String, String> subscriptions() {
        Object claim = verifiedToken().getClaim(CLAIM);
        Map<String, String> out = new java.util.TreeMap<>();
        if (claim instanceof JsonObject json) {
            json.forEach((k, v) -> {
                if (v instanceof JsonString s) {
                    out.put(k, s.getString());
                }
            });
        } else if (claim instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    /** The tenant the verified caller's token was issued in ({@code tid}), or null when it names none. */
    public String tenant() {
        Object tid = verifiedToken().getClaim("tid");
        return tid == null ? null : tid.toString().replace("\"", "");
    }

    /**
     * The caller is a platform operator (the token's {@value #PLATFORM_CLAIM} claim says {@value #OPERATOR}): the
     * platform's own settings, such as which engine minor is current. Tenants' tokens get 403, whatever their roles.
     */
    public Caller operator() {
        JsonWebToken jwt = verifiedToken();
        Object claim = jwt.getClaim(PLATFORM_CLAIM);
        String role = claim == null ? null : claim instanceof JsonString js ? js.getString() : claim.toString().replace("\"", "");
        if (!OPERATOR.equals(role)) {
            throw new ArmException(403, ErrorCodes.AUTHORIZATION_FAILED,
                    "Only a platform operator may do this; the token is a tenant's.", null);
        }
        return caller();
    }

    /** The caller shows a valid API token (routes of no subscription, e.g. the provider's operations). */
    public void authenticated() {
        verifiedToken();
    }

    private JsonWebToken verifiedToken() {
        JsonWebToken jwt = token.isResolvable() ? token.get() : null;
        if (jwt == null || jwt.getRawToken() == null) {
            throw new ArmException(401, ErrorCodes.AUTHENTICATION_FAILED,
                    "Authentication failed: the Authorization header with a bearer token is missing.", null);
        }
        return jwt;
    }

    private Role role(String subscriptionId) {
        JsonWebToken jwt = verifiedToken();
        String role = roleIn(jwt.getClaim(CLAIM), subscriptionId);
        if (role == null) {
            throw new ArmException(404, "SubscriptionNotFound", "The subscription '" + subscriptionId + "' could not be found.", null);
        }
        try {
            return Role.valueOf(role);
        } catch (IllegalArgumentException e) {
            throw new ArmException(403, ErrorCodes.AUTHORIZATION_FAILED, "Unknown role '" + role + "' in the token.", null);
        }
    }

    static String roleIn(Object claim, String subscriptionId) {
        if (claim instanceof JsonObject json) {
            JsonValue v = json.get(subscriptionId);
            return v instanceof JsonString s ? s.getString() : null;
        }
        if (claim instanceof Map<?, ?> map) {
            Object v = map.get(subscriptionId);
            return v == null ? null : v.toString();
        }
        return null;
    }
}
