package io.pgflex.support.auth;

import java.util.List;

/**
 * Who may call a service directly (pure). Every caller already showed a certificate of the platform CA (mutual TLS,
 * {@code quarkus.http.ssl.client-auth=required} in production); of those, only the identities in {@code allowed}
 * ({@code pgflex.tls.callers}, by default the gateway, which users' calls come through, and the operator) are let in. Other components hold
 * certificates of the same CA for their own hops (a node agent's for Kafka and its peers, a service's for the
 * agents): none of them calls a service, so none may.
 */
public final class ServiceCallers {
    private ServiceCallers() {
    }

    public record Decision(boolean allowed, String reason) {
    }

    /**
     * @param tls         whether the call came over TLS at all
     * @param certificate whether the caller showed a verified certificate
     * @param identity    its common name (null: none in it)
     */
    public static Decision decide(boolean tls, boolean certificate, String identity, List<String> allowed) {
        if (!tls) {
            return new Decision(true, "plain HTTP: only outside production (insecure requests are disabled there)");
        }
        if (!certificate) {
            return new Decision(true, "no client certificate: only outside production (client certificates are required there)");
        }
        if (identity == null) {
            return new Decision(false, "a certificate without a common name names no component");
        }
        if (allowed.contains(identity)) {
            return new Decision(true, identity + " may call this service");
        }
        return new Decision(false, identity + " is a component of the platform but not one that calls this service (callers: "
                + String.join(", ", allowed) + ")");
    }
}
