package io.pgflex.support.inbox;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An event this service has handled; its id makes a redelivery a no-op. */
@Entity
@Table(name = "pgflex_inbox")
public class InboxEntry extends PanacheEntityBase {
    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "ce_type", nullable = false)
    public String ceType;

    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public String topic;

    @Column(name = "kafka_partition", nullable = false)
    public int partition;

    @Column(name = "kafka_offset", nullable = false)
    public long offset;

    @Column(name = "handled_at", nullable = false)
    public Instant handledAt;
}
