package io.pgflex.support.errors;

/** A request that fails with an HTTP status and an ARM error code; rendered by {@link ArmExceptionMappers}. */
public class ArmException extends RuntimeException {
    private final int status;
    private final String code;
    private final String target;

    public ArmException(int status, String code, String message, String target) {
        super(message);
        this.status = status;
        this.code = code;
        this.target = target;
    }

    public static ArmException badRequest(String code, String message, String target) {
        return new ArmException(400, code, message, target);
    }

    public static ArmException notFound(String message) {
        return new ArmException(404, ErrorCodes.RESOURCE_NOT_FOUND, message, null);
    }

    public static ArmException conflict(String message) {
        return new ArmException(409, ErrorCodes.CONFLICT, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String target() {
        return target;
    }

    public ArmError toBody() {
        return ArmError.of(code, getMessage(), target);
    }
}
