package io.pgflex.provisioning.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link OperationDetail}s to and from the JSON of {@code operation.detail}. */
public final class OperationDetails {
    private OperationDetails() {
    }

    public static String write(ObjectMapper json, OperationDetail detail) {
        try {
            if (detail instanceof OperationDetail.None) {
                return "{}";
            }
            if (detail instanceof OperationDetail.Update update) {
                // flat, as updates were always stored (ServerUpdated carries the same map)
                return json.writeValueAsString(update.changes());
            }
            return json.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("operation detail not writable: " + detail, e);
        }
    }

    /**
     * The detail of an operation of {@code kind} as stored; {@code type} must be the kind's
     * ({@link OperationDetail#typeOf}): asking a restart for a database's detail is a programming error.
     */
    public static <T extends OperationDetail> T read(ObjectMapper json, OperationKind kind, String stored, Class<T> type) {
        OperationDetail.requireTypeOf(kind, type);
        String text = stored == null || stored.isBlank() ? "{}" : stored;
        try {
            if (type == OperationDetail.Update.class) {
                Map<String, Object> raw = json.readValue(text, new TypeReference<Map<String, Object>>() {
                });
                Map<String, String> changes = new LinkedHashMap<>();
                raw.forEach((k, v) -> changes.put(k, String.valueOf(v)));
                return type.cast(new OperationDetail.Update(changes));
            }
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("operation detail of a " + kind + " is not readable: " + text, e);
        }
    }
}
