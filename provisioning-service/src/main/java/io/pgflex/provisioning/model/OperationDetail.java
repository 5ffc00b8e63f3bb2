package io.pgflex.provisioning.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * What an operation was asked to do beyond its kind, stored as JSON in {@code operation.detail}: one record per
 * kind that carries anything. The JSON field names are the ones operations were stored with before these types,
 * so an operation in flight across an upgrade reads the same.
 */
public sealed interface OperationDetail {
    /** Nothing beyond the kind (create, stop, a plain restart). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record None() implements OperationDetail {
    }

    /**
     * A restart, or with {@code restartWithFailover} a failover asked of ha-service ({@code failoverMode}
     * PlannedFailover or ForcedFailover); {@code requested}: FailoverRequested was published (once).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Restart(boolean restartWithFailover, String failoverMode, boolean requested) implements OperationDetail {
        public Restart asked() {
            return new Restart(restartWithFailover, failoverMode, true);
        }
    }

    /** A start; {@code automatic}: the platform started a server stopped too long, nobody asked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Start(boolean automatic) implements OperationDetail {
    }

    /** An update: what changed, by property path (sku, storageSizeGB, highAvailability.mode, tags, ...). Stored flat. */
    record Update(Map<String, String> changes) implements OperationDetail {
        public Update {
            changes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(changes)); // in the order they changed
        }
    }

    /**
     * A server parameter applied ({@code parameter}; {@code previousParameters}: the user parameters before, restored
     * if it fails), or {@code rollback}: the restore of those.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ApplyConfiguration(String parameter, String previousParameters, boolean rollback) implements OperationDetail {
    }

    /** The firewall rules applied after {@code rule} was written or, with {@code deleted}, removed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Firewall(String rule, boolean deleted) implements OperationDetail {
    }

    /** A database created (with its charset and collation, null: the server's) or dropped. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Database(String database, String charset, String collation) implements OperationDetail {
    }

    /** A delete; {@code reason} when the platform deletes (a failed create's leftovers), null when asked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Delete(String reason) implements OperationDetail {
    }

    /** Refuses {@code type} for an operation of {@code kind} unless it is the kind's detail type (a programming error). */
    static void requireTypeOf(OperationKind kind, Class<?> type) {
        if (typeOf(kind) != type) {
            throw new IllegalArgumentException("an operation " + kind + " carries " + typeOf(kind).getSimpleName() + ", not "
                    + type.getSimpleName());
        }
    }

    /** The detail type of an operation kind. */
    static Class<? extends OperationDetail> typeOf(OperationKind kind) {
        return switch (kind) {
            case Restart -> Restart.class;
            case Start -> Start.class;
            case Update -> Update.class;
            case ApplyConfiguration -> ApplyConfiguration.class;
            case CreateDatabase, DropDatabase -> Database.class;
            case Delete -> Delete.class;
            case ApplyFirewall -> Firewall.class;
            default -> None.class;
        };
    }
}
