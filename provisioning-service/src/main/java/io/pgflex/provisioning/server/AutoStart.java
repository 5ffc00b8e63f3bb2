package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.OperationDetail;
import io.pgflex.provisioning.ProvisioningConfig;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** A server stopped for {@code pgflex.provisioning.auto-start-after} (7 days) is started again, as Azure does. */
@ApplicationScoped
public class AutoStart {
    private static final Logger LOG = Logger.getLogger(AutoStart.class);

    private final ServerService servers;
    private final ProvisioningConfig config;
    private final Clock clock;

    public AutoStart(ServerService servers, ProvisioningConfig config, Clock clock) {
        this.servers = servers;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.provisioning.auto-start-check:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        List<ServerEntity> due = QuarkusTransaction.requiringNew().call(() -> ServerEntity.list(
                "state = ?1 and stoppedAt < ?2", ServerState.Stopped, clock.instant().minus(config.autoStartAfter())));
        for (ServerEntity s : due) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    ServerEntity server = ServerEntity.lockById(s.id);
                    if (server != null && server.state == ServerState.Stopped) {
                        servers.action(server, OperationKind.Start, new OperationDetail.Start(true));
                        LOG.infof("server %s was stopped since %s: starting it again automatically", server.name, server.stoppedAt);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("server %s not started automatically: %s", s.name, e.getMessage());
            }
        }
    }
}
