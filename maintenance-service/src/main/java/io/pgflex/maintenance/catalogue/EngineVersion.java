package io.pgflex.maintenance.catalogue;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** A minor a platform operator published; {@code current} marks the one servers of its major are patched to. */
@Entity
@Table(name = "engine_versions")
public class EngineVersion extends PanacheEntityBase {
    @Id
    public String version;
    @Column(nullable = false)
    public int major;
    @Column(nullable = false)
    public int minor;
    @Column(nullable = false)
    public boolean current;
    @Column(name = "release_notes")
    public String releaseNotes;
    @Column(name = "published_at", nullable = false)
    public Instant publishedAt;
    @Column(name = "published_by", nullable = false)
    public String publishedBy;

    public static Optional<EngineVersion> currentOf(String major) {
        return find("major = ?1 and current = true", Integer.parseInt(major)).firstResultOptional();
    }
}
