package io.pgflex.support.errors;

/** ARM error codes pgflex answers with. Each one is a contract with API clients: never rename. */
public final class ErrorCodes {
    public static final String INVALID_REQUEST_CONTENT = "InvalidRequestContent";
    public static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    public static final String MISSING_API_VERSION = "MissingApiVersionParameter";
    public static final String INVALID_API_VERSION = "InvalidApiVersionParameter";
    public static final String RESOURCE_NOT_FOUND = "ResourceNotFound";
    public static final String NOT_FOUND = "NotFound";
    public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String CONFLICT = "Conflict";
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    public static final String AUTHORIZATION_FAILED = "AuthorizationFailed";
    public static final String INTERNAL_SERVER_ERROR = "InternalServerError";

    private ErrorCodes() {
    }
}
