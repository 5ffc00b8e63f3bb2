package io.pgflex.provisioning.tenancy;

import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A managed-identity token endpoint in App Service's shape ({@code MSI_ENDPOINT} with the
 * {@code secret} header, or {@code IDENTITY_ENDPOINT} with {@code X-IDENTITY-HEADER}), so that az CLI
 * and the Azure Identity libraries sign in to pgflex with {@code az login --identity}: the "secret"
 * is a pgflex API token, verified here exactly as every API call verifies it, and handed back as the
 * access token with its expiry. It grants nothing the caller does not already hold: no token is
 * minted here (pgflex's services hold no signing key). It answers only for pgflex itself as the
 * resource (the API's base URL the request came to): a client asking for a token to another
 * service (Key Vault, Graph) must not be handed a pgflex token to send there.
 */
@Path("/_pgflex/identity/token")
@Produces(MediaType.APPLICATION_JSON)
public class ManagedIdentityResource {
    private final JWTParser parser;

    public ManagedIdentityResource(JWTParser parser) {
        this.parser = parser;
    }

    @GET
    public jakarta.ws.rs.core.Response token(@HeaderParam("secret") String secret,
                                             @HeaderParam("X-IDENTITY-HEADER") String identityHeader,
                                             @QueryParam("resource") String resource, @jakarta.ws.rs.core.Context UriInfo uri) {
        String token = secret != null ? secret : identityHeader;
        if (token == null || token.isBlank()) {
            throw new ArmException(401, ErrorCodes.AUTHENTICATION_FAILED, "The secret header (MSI_SECRET or IDENTITY_HEADER)"
                    + " must hold a pgflex API token.", null);
        }
        if (!forPgflex(resource, uri)) {
            throw ArmException.badRequest("InvalidResource", "Tokens are issued here for pgflex only: resource must be "
                    + uri.getBaseUri() + " (the cloud's active-directory resource id), not '" + resource + "'.", "resource");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token.trim());
        } catch (ParseException e) {
            throw new ArmException(401, ErrorCodes.AUTHENTICATION_FAILED, "The secret header does not hold a valid pgflex API"
                    + " token (signature, issuer, audience or expiry).", null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", jwt.getRawToken());
        out.put("expires_on", String.valueOf(jwt.getExpirationTime()));
        out.put("resource", resource);
        out.put("token_type", "Bearer");
        out.put("client_id", jwt.getSubject());
        return jakarta.ws.rs.core.Response.ok(out).header("Cache-Control", "no-store").build();
    }

    /** Whether {@code resource} names pgflex: the base URL this request came to (a trailing slash or not), or the token audience. */
    static boolean forPgflex(String resource, UriInfo uri) {
        if (resource == null || resource.isBlank()) {
            return false;
        }
        String base = uri.getBaseUri().toString().replaceAll("/+$", "");
        String asked = resource.trim().replaceAll("/+$", "").replaceAll("/\\.default$", "");
        return asked.equalsIgnoreCase(base) || asked.equals("pgflex-api");
    }
}
