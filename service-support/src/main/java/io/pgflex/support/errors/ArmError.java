package io.pgflex.support.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Azure Resource Manager's error body: {@code {"error": {"code", "message", "target", "details"}}}. */
public record ArmError(Body error) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Body(String code, String message, String target, List<Body> details) {
    }

    public static ArmError of(String code, String message, String target) {
        return new ArmError(new Body(code, message, target, List.of()));
    }
}
