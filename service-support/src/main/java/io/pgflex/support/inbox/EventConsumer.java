package io.pgflex.support.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Handles a consumed record exactly once per event id: the inbox row and the handler's changes
 * commit in one transaction, so a redelivered event changes nothing. A poison record is thrown
 * back at once (the channel's dead-letter strategy sends it to {@code <topic>.dlq} with the
 * reason); a transient failure (database away) is retried with backoff (about ten minutes with
 * the defaults, holding back the partition so order is kept) before it is given up the same way.
 */
@ApplicationScoped
public class EventConsumer {
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    /** What a service does with an event; runs inside the inbox transaction. */
    @FunctionalInterface
    public interface Handler {
        void handle(InboundEvent event);
    }

    private final ObjectMapper json;
    private final EntityManager em;
    private final Clock clock;
    private final int maxAttempts;
    private final long backoffMillis;

    public EventConsumer(ObjectMapper json, EntityManager em, Clock clock,
                         @ConfigProperty(name = "pgflex.inbox.max-attempts", defaultValue = "45") int maxAttempts,
                         @ConfigProperty(name = "pgflex.inbox.backoff-millis", defaultValue = "250") long backoffMillis) {
        this.json = json;
        this.em = em;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.backoffMillis = backoffMillis;
    }

    /** Returns true when the handler ran, false when the event had been handled before. */
    public boolean consume(ConsumerRecord<String, byte[]> record, Handler handler) {
        InboundEvent event = InboundEvent.from(record, json);
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> handleOnce(event, handler));
            } catch (PoisonEventException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= maxAttempts) {
                    throw new IllegalStateException("event " + event.id() + " (" + event.type().ceType() + ") failed "
                            + attempt + " times: " + e.getMessage(), e);
                }
                LOG.warnf("event %s (%s) failed, attempt %d of %d: %s", event.id(), event.type().ceType(), attempt,
                        maxAttempts, e.getMessage());
                pause(Math.min(15_000, backoffMillis * attempt));
            }
        }
    }

    private boolean handleOnce(InboundEvent event, Handler handler) {
        int inserted = em.createNativeQuery("INSERT INTO pgflex_inbox (event_id, ce_type, source, topic, kafka_partition,"
                        + " kafka_offset, handled_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (event_id) DO NOTHING")
                .setParameter(1, event.id()).setParameter(2, event.type().ceType()).setParameter(3, event.source())
                .setParameter(4, event.topic()).setParameter(5, event.partition()).setParameter(6, event.offset())
                .setParameter(7, clock.instant())
                .executeUpdate();
        if (inserted == 0) {
            LOG.debugf("event %s (%s) handled before; redelivery ignored", event.id(), event.type().ceType());
            return false;
        }
        handler.handle(event);
        return true;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an event", e);
        }
    }
}
