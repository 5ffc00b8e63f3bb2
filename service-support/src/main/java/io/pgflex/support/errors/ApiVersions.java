package io.pgflex.support.errors;

import java.util.List;

/** The ARM api-versions pgflex accepts on every public route. */
public final class ApiVersions {
    public static final List<String> SUPPORTED = List.of("2024-08-01", "2025-08-01");

    private ApiVersions() {
    }

    /** Rejects a missing or unsupported {@code api-version} query parameter with ARM's error codes. */
    public static String require(String apiVersion) {
        if (apiVersion == null || apiVersion.isBlank()) {
            throw ArmException.badRequest(ErrorCodes.MISSING_API_VERSION,
                    "The api-version query parameter (?api-version=) is required for all requests.", "api-version");
        }
        if (!SUPPORTED.contains(apiVersion)) {
            throw ArmException.badRequest(ErrorCodes.INVALID_API_VERSION, "The api-version '" + apiVersion
                    + "' is invalid. The supported versions are '" + String.join(",", SUPPORTED) + "'.", "api-version");
        }
        return apiVersion;
    }
}
