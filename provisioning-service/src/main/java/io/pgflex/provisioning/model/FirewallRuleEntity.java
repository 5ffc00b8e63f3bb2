package io.pgflex.provisioning.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** An IPv4 range allowed to connect to a server (pg_hba entries on its instance). */
@Entity
@Table(name = "firewall_rules")
public class FirewallRuleEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key;
    @Column(name = "start_ip", nullable = false)
    public String startIp;
    @Column(name = "end_ip", nullable = false)
    public String endIp;

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "server_id")
        public UUID serverId;
        @Column(name = "name")
        public String name;

        public Key() {
        }

        public Key(UUID serverId, String name) {
            this.serverId = serverId;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(serverId, k.serverId) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(serverId, name);
        }
    }

    public static List<FirewallRuleEntity> ofServer(UUID serverId) {
        return list("key.serverId = ?1 order by key.name", serverId);
    }
}
