package io.pgflex.provisioning.storage;

import io.pgflex.contracts.events.StorageLevelChanged.Level;
import java.util.List;

/**
 * Storage protection as Azure does it, as a pure decision: with autogrow on, High or Full storage
 * grows to the next size; Full storage that cannot grow turns the server read-only; read-only ends
 * once the storage is under the Full threshold again (grown by the user, or data removed).
 */
public final class StorageProtection {
    private StorageProtection() {
    }

    public enum Action {
        Grow, SetReadOnly, ClearReadOnly, None
    }

    public record Decision(Action action, int newStorageGb, String reason) {
    }

    public static Decision decide(Level level, boolean ready, boolean autoGrow, int storageGb, boolean readOnly, List<Integer> sizes) {
        Integer next = sizes.stream().filter(s -> s > storageGb).findFirst().orElse(null);
        Decision d;
        if (level != Level.Normal && autoGrow && next != null) {
            d = new Decision(Action.Grow, next, "storage " + level + " with autogrow: " + storageGb + " -> " + next + " GiB");
        } else if (level == Level.Full && !readOnly) {
            d = new Decision(Action.SetReadOnly, storageGb, autoGrow
                    ? "storage full at the largest size (" + storageGb + " GiB): read-only"
                    : "storage full without autogrow: read-only until storage grows or data is removed");
        } else if (level != Level.Full && readOnly) {
            d = new Decision(Action.ClearReadOnly, storageGb, "storage back under the read-only threshold: writable");
        } else {
            return new Decision(Action.None, storageGb, "storage " + level + ": nothing to do");
        }
        if (!ready) {
            return new Decision(Action.None, storageGb, d.reason() + ", once the server is Ready (the level is sent again)");
        }
        return d;
    }
}
