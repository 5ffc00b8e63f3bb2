package io.pgflex.provisioning.tenancy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/** A resource group someone created: its name as given, location and tags. */
@Entity
@Table(name = "resource_groups")
public class ResourceGroupEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public String location;
    @Column(nullable = false)
    public String tags;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "subscription_id")
        public String subscriptionId;
        @Column(name = "name_key")
        public String nameKey;

        public Key() {
        }

        public Key(String subscriptionId, String name) {
            this.subscriptionId = subscriptionId;
            this.nameKey = name.toLowerCase(Locale.ROOT);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.subscriptionId.equals(subscriptionId) && k.nameKey.equals(nameKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(subscriptionId, nameKey);
        }
    }
}
