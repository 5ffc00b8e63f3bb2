package io.pgflex.support.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.PgflexEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A CloudEvent read from a Kafka record in binary mode, with its payload parsed and checked. */
public record InboundEvent(String id, EventType type, String source, String key, String topic, int partition,
                           long offset, PgflexEvent payload) {

    /** Reads and checks a record; throws {@link PoisonEventException} with the reason when it is not a valid event. */
    public static InboundEvent from(ConsumerRecord<String, byte[]> record, ObjectMapper json) {
        String specVersion = header(record, CloudEvents.HEADER_SPEC_VERSION);
        if (!CloudEvents.SPEC_VERSION.equals(specVersion)) {
            throw new PoisonEventException("not a CloudEvents " + CloudEvents.SPEC_VERSION + " record (ce_specversion="
                    + specVersion + ")");
        }
        String id = required(record, CloudEvents.HEADER_ID);
        String source = required(record, CloudEvents.HEADER_SOURCE);
        String ceType = required(record, CloudEvents.HEADER_TYPE);
        EventType type = EventType.ofCeType(ceType)
                .orElseThrow(() -> new PoisonEventException("unknown event type " + ceType));
        if (record.value() == null || record.value().length == 0) {
            throw new PoisonEventException("event " + id + " of type " + ceType + " has no data");
        }
        PgflexEvent payload;
        try {
            payload = json.readValue(record.value(), type.payloadType());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PoisonEventException("event " + id + " of type " + ceType + " has unreadable data: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PoisonEventException("event " + id + " of type " + ceType + " has unreadable data: " + e.getMessage(), e);
        }
        checkPayload(id, ceType, record.key(), payload);
        return new InboundEvent(id, type, source, record.key(), record.topic(), record.partition(), record.offset(), payload);
    }

    private static void checkPayload(String id, String ceType, String key, PgflexEvent payload) {
        if (payload.serverId() == null || payload.serverId().isBlank()) {
            throw new PoisonEventException("event " + id + " of type " + ceType + " has no serverId");
        }
        if (key != null && !key.equals(payload.serverId())) {
            throw new PoisonEventException("event " + id + " has key " + key + " but serverId " + payload.serverId());
        }
        int known = knownVersion(payload);
        if (payload.version() < 1 || payload.version() > known) {
            throw new PoisonEventException("event " + id + " of type " + ceType + " has schema version "
                    + payload.version() + "; this reader knows 1.." + known);
        }
    }

    private static int knownVersion(PgflexEvent payload) {
        try {
            return payload.getClass().getField("VERSION").getInt(null);
        } catch (ReflectiveOperationException e) {
            return 1;
        }
    }

    @SuppressWarnings("unchecked")
    public <T extends PgflexEvent> T payload(Class<T> type) {
        return (T) payload;
    }

    private static String required(ConsumerRecord<String, byte[]> record, String name) {
        String value = header(record, name);
        if (value == null || value.isBlank()) {
            throw new PoisonEventException("record at " + record.topic() + "/" + record.partition() + "@" + record.offset()
                    + " lacks the CloudEvent attribute " + name);
        }
        return value;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
