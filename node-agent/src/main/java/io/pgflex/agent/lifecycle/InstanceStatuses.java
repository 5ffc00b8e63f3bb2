package io.pgflex.agent.lifecycle;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceLayout;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.instances.ResourceLimits;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.pgflex.contracts.agent.InstanceStatus.InstanceState;
import io.pgflex.contracts.agent.InstanceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** An instance's status as the agent reports it: its record, corrected by what runs, and what it publishes. */
@ApplicationScoped
public class InstanceStatuses {
    private final AgentConfig config;
    private final InstanceStore store;
    private final ResourceLimits limits;
    private final PgBouncerManager pgbouncer;

    public InstanceStatuses(AgentConfig config, InstanceStore store, ResourceLimits limits, PgBouncerManager pgbouncer) {
        this.config = config;
        this.store = store;
        this.limits = limits;
        this.pgbouncer = pgbouncer;
    }

    public InstanceStatus of(InstanceRecord r) {
        InstanceState state = r.state();
        if (state == InstanceState.Running && !store.running(r.instanceId())) {
            state = InstanceState.Stopped;
        }
        boolean bouncer = state == InstanceState.Running && pgbouncer.running(store.layout(r.instanceId()));
        return new InstanceStatus(r.instanceId(), r.serverId(), state, config.advertisedHost(), r.port(), r.engineVersion(),
                limits.describe(), storageBlocked(store.layout(r.instanceId())).orElse(r.message()),
                PgBouncerManager.port(r), bouncer,
                caCertificate(store.layout(r.instanceId())));
    }

    /** Why the storage guard refuses the instance's tenants, while it does. */
    private static Optional<String> storageBlocked(InstanceLayout layout) {
        try (var ch = Files.newByteChannel(layout.storageBlockedMark(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
             var in = java.nio.channels.Channels.newInputStream(ch)) {
            return Optional.of(new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The server's CA certificate (public), as clients verify the server with; null before it exists. */
    private static String caCertificate(InstanceLayout layout) {
        // the directory is the postgres user's: open without following a link, publish only a certificate
        try (var ch = Files.newByteChannel(layout.tls().resolve("ca.crt"), java.nio.file.LinkOption.NOFOLLOW_LINKS);
             var in = java.nio.channels.Channels.newInputStream(ch)) {
            String pem = new String(in.readNBytes(16_384), java.nio.charset.StandardCharsets.US_ASCII);
            return pem.matches("(?s)-----BEGIN CERTIFICATE-----\\n[A-Za-z0-9+/=\\n]+-----END CERTIFICATE-----\\n?") ? pem : null;
        } catch (IOException e) {
            return null;
        }
    }
}
