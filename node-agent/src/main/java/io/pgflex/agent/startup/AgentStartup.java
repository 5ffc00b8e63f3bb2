package io.pgflex.agent.startup;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.lifecycle.InstanceManager;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Start-up of the agent: its data root exists, what it found is logged. Also the clock it uses. */
@ApplicationScoped
public class AgentStartup {
    private static final Logger LOG = Logger.getLogger(AgentStartup.class);

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    private io.pgflex.agent.os.Ticker watchdog;
    private io.pgflex.agent.os.Ticker selfFence;

    void onStart(@Observes StartupEvent event, AgentConfig config, InstanceStore store, InstanceManager manager, io.pgflex.agent.lifecycle.AfterRestart afterRestart,
                 io.pgflex.agent.lifecycle.Watchdog watchdogLoop,
                 io.pgflex.agent.replication.ReplicationManager replication,
                 io.pgflex.agent.os.OsCommands os, io.pgflex.agent.router.Router router,
                 io.pgflex.agent.router.RouterConsumer routerEvents) {
        store.ensureDataRoot();
        store.ensureSocketDir(os);
        LOG.infof("node agent %s (zone %s) owns %s: %d instance(s) found", config.id(), config.zone(),
                config.dataRoot().toAbsolutePath(), store.instanceIds().size());
        // instances that should run but do not (host reboot, `pgflex down`): start them again, off the start-up path
        Thread starter = new Thread(afterRestart::run, "pgflex-start-instances");
        starter.setDaemon(true);
        starter.start();
        // loops that must react within a fraction of a second run on threads of their own (Quarkus' scheduler
        // looks once a second): a crashed PostgreSQL is started again in place, an isolated primary fences itself
        watchdog = new io.pgflex.agent.os.Ticker("pgflex-watchdog", java.time.Duration.ofSeconds(5), config.watchdogInterval(),
                watchdogLoop::run);
        selfFence = new io.pgflex.agent.os.Ticker("pgflex-self-fence", java.time.Duration.ofSeconds(5),
                config.selfFenceInterval(), replication::selfFence);
        if (config.router().enabled()) {
            // the router role: HAProxy with the saved routes at once, then the events since
            try {
                router.start();
            } catch (RuntimeException e) {
                LOG.errorf("router: HAProxy not started yet (%s); the event loop tries again", e.getMessage());
            }
            routerEvents.start();
        }
    }

    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        if (watchdog != null) {
            watchdog.close();
        }
        if (selfFence != null) {
            selfFence.close();
        }
    }
}
