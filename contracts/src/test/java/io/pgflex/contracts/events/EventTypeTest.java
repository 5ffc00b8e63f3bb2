package io.pgflex.contracts.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTypeTest {

    @Test
    void everyTypeIsFoundAgainByItsCloudEventType() {
        for (EventType type : EventType.values()) {
            assertEquals(type, EventType.ofCeType(type.ceType()).orElseThrow());
            assertTrue(type.ceType().startsWith("pgflex."), type.ceType());
        }
    }

    @Test
    void ceTypeIsThePayloadName() {
        assertEquals("pgflex.ServerRequested", EventType.SERVER_REQUESTED.ceType());
        assertEquals("pgflex.FailoverCompleted", EventType.FAILOVER_COMPLETED.ceType());
    }

    @Test
    void everyEventGoesToADeclaredTopic() {
        Set<String> topics = new HashSet<>(Topics.ALL);
        Arrays.stream(EventType.values()).forEach(t -> assertTrue(topics.contains(t.topic()), t.name()));
    }

    @Test
    void unknownCeTypeIsNotAnEvent() {
        assertTrue(EventType.ofCeType("pgflex.NoSuchThing").isEmpty());
    }

    @Test
    void dlqTopicSitsBesideItsTopic() {
        assertEquals("pgflex.servers.dlq", Topics.dlq(Topics.SERVERS));
    }
}
