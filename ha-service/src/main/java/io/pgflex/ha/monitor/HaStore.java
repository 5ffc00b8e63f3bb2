package io.pgflex.ha.monitor;

import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The only writer of a server's HA state (state, members, step, degradation, availability): each
 * change under the row's lock, announced as HaStateChanged in the same transaction whenever the
 * picture others see changed, together with whatever events the change itself publishes.
 */
@ApplicationScoped
public class HaStore {
    private static final Logger LOG = Logger.getLogger(HaStore.class);

    private final Outbox outbox;
    private final Clock clock;

    public HaStore(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    static HaServer load(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> HaServer.<HaServer>findById(id));
    }

    /** The servers whose HA state machine runs: HA on, or not back to NotEnabled yet. */
    static List<UUID> watched() {
        return QuarkusTransaction.requiringNew().call(() -> HaServer.<HaServer>list(
                "haMode <> 'Disabled' or haState <> ?1", HaState.NotEnabled).stream().map(s -> s.serverId).toList());
    }

    /**
     * Changes the server's row under its lock and announces the new HA picture (HaStateChanged)
     * when state, members, degradation or availability changed, in one transaction with the events
     * {@code change} publishes. Returns the row as written, or empty when the server is gone.
     */
    Optional<HaServer> update(UUID id, Consumer<HaServer> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            HaServer s = HaServer.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (s == null) {
                return Optional.empty();
            }
            String before = picture(s);
            change.accept(s);
            s.updatedAt = clock.instant();
            if (!before.equals(picture(s))) {
                outbox.publish(s.nextPicture(clock.instant()));
                LOG.infof("server %s (%s): HA %s, primary %s%s, standby %s%s", s.name, s.serverId, s.haState,
                        s.primaryInstance, s.unavailableReason == null ? "" : " (unavailable)", s.standbyInstance,
                        s.shownReason() == null ? "" : " — " + s.shownReason());
            }
            return Optional.of(s);
        });
    }

    /** Publishes an event inside the transaction of an {@link #update} (a change's own event). */
    void publishInTransaction(io.pgflex.contracts.events.PgflexEvent event) {
        outbox.publish(event);
    }

    private static String picture(HaServer s) {
        return s.haState + "|" + s.primary() + "|" + s.standby() + "|" + s.degradedReason + "|" + s.unavailableReason;
    }
}
