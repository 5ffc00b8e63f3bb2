package io.pgflex.support.auth;

import io.pgflex.contracts.tls.PeerIdentity;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Applies {@link ServiceCallers} to every request a service gets, its own API and {@code /q/*} alike, before any
 * route: a component that may not call the service gets 403 with the reason and learns nothing else.
 */
@ApplicationScoped
public class ServiceCallerFilter {
    private static final Logger LOG = Logger.getLogger(ServiceCallerFilter.class);
    /** Runs before the routes and the authentication of API tokens. */
    private static final int PRIORITY = 10_000;

    @ConfigProperty(name = "pgflex.tls.callers", defaultValue = "gateway,operator")
    List<String> callers;

    void register(@Observes Filters filters) {
        List<String> allowed = List.copyOf(callers);
        filters.register(rc -> {
            var session = rc.request().sslSession();
            String identity = PeerIdentity.of(session);
            ServiceCallers.Decision d = ServiceCallers.decide(session != null, PeerIdentity.presented(session), identity, allowed);
            if (d.allowed()) {
                rc.next();
                return;
            }
            LOG.warnf("refused %s %s from %s: %s", rc.request().method(), rc.request().path(), identity, d.reason());
            rc.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                    .end(new io.vertx.core.json.JsonObject().put("error", new io.vertx.core.json.JsonObject()
                            .put("code", "AuthorizationFailed").put("message", d.reason())).encode());
        }, PRIORITY);
    }
}
