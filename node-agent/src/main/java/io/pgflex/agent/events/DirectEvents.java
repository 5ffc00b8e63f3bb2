package io.pgflex.agent.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.PgflexEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Kafka messages for the agent's observations (heartbeats, metrics): CloudEvents binary mode, key
 * = server id. They go straight to Kafka, not through an outbox: each is superseded by the next.
 */
public final class DirectEvents {
    private DirectEvents() {
    }

    public static Message<byte[]> message(PgflexEvent event, String agentId, Instant time, ObjectMapper json)
            throws JsonProcessingException {
        byte[] data = json.writeValueAsBytes(event);
        RecordHeaders headers = new RecordHeaders();
        add(headers, CloudEvents.HEADER_SPEC_VERSION, CloudEvents.SPEC_VERSION);
        add(headers, CloudEvents.HEADER_ID, UUID.randomUUID().toString());
        add(headers, CloudEvents.HEADER_SOURCE, "/pgflex/node-agent/" + agentId);
        add(headers, CloudEvents.HEADER_TYPE, EventType.of(event).ceType());
        add(headers, CloudEvents.HEADER_TIME, DateTimeFormatter.ISO_INSTANT.format(time));
        add(headers, CloudEvents.HEADER_CONTENT_TYPE, CloudEvents.CONTENT_TYPE_JSON);
        return Message.of(data).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.serverId()).withHeaders(headers).build());
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
