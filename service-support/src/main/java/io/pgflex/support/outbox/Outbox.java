package io.pgflex.support.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.PgflexEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes events to the outbox table. Must run inside the transaction that makes the state change
 * the event announces: both commit or neither does. {@link OutboxRelay} publishes them afterwards.
 */
@ApplicationScoped
public class Outbox {
    private final ObjectMapper json;
    private final String source;
    private final Clock clock;
    private final Event<Written> written;

    /** Fired for each row written; observed after commit to relay it at once. */
    public record Written(UUID eventId) {
    }

    public Outbox(ObjectMapper json, @ConfigProperty(name = "quarkus.application.name") String applicationName, Clock clock,
                  Event<Written> written) {
        this.json = json;
        this.source = "/pgflex/" + applicationName;
        this.clock = clock;
        this.written = written;
    }

    /** Records {@code event} for publication; returns its CloudEvent id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(PgflexEvent event) {
        if (event.serverId() == null || event.serverId().isBlank()) {
            throw new IllegalArgumentException("every pgflex event carries a serverId: " + event);
        }
        EventType type = EventType.of(event);
        OutboxEvent row = new OutboxEvent();
        row.eventId = UUID.randomUUID();
        row.topic = type.topic();
        row.recordKey = event.serverId();
        row.ceType = type.ceType();
        row.source = source;
        row.subject = event.serverId();
        row.dataVersion = event.version();
        row.payload = toJson(event);
        row.createdAt = clock.instant();
        row.persist();
        written.fire(new Written(row.eventId));
        return row.eventId;
    }

    private String toJson(PgflexEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialized: " + event.getClass().getName(), e);
        }
    }
}
