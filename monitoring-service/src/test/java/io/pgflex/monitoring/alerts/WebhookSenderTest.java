package io.pgflex.monitoring.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
    @Test
    void backsOffFromTenSecondsDoublingToAnHour() {
        assertEquals(Duration.ofSeconds(10), WebhookSender.backoff(1));
        assertEquals(Duration.ofSeconds(20), WebhookSender.backoff(2));
        assertEquals(Duration.ofSeconds(640), WebhookSender.backoff(7));
        assertEquals(Duration.ofSeconds(2560), WebhookSender.backoff(9));
        assertEquals(Duration.ofHours(1), WebhookSender.backoff(10));
        assertEquals(Duration.ofHours(1), WebhookSender.backoff(40));
    }
}
