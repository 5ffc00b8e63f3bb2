package io.pgflex.ha.servers;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A server as ha-service tracks it, built from pgflex.servers events. */
@Entity
@Table(name = "ha_servers")
public class HaServer extends PanacheEntityBase {
    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;

    @Column(nullable = false)
    public String name;

    @Column(name = "ha_mode", nullable = false)
    public String haMode;

    @Enumerated(EnumType.STRING)
    @Column(name = "ha_state", nullable = false)
    public HaState haState;

    @Column(name = "events_handled", nullable = false)
    public int eventsHandled;

    @Column(name = "last_event_type")
    public String lastEventType;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
