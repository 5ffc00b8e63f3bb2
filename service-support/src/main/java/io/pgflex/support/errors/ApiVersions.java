package io.pgflex.support.errors;

import java.util.List;

/**
 * The ARM api-versions pgflex accepts on every public route: every published stable and preview version of the
 * flexible-server API from 2021-06-01 on (Azure/azure-rest-api-specs, specification/postgresql, tags
 * package-flexibleserver-*; private previews and the migrations-only 2022-05-01-preview left out). Each is answered
 * in the newest shape — the versions only add properties, and clients ignore the ones they do not know — except
 * where a version's model differs: capabilities before {@link #CAPABILITIES_V2} (see {@link #before}).
 */
public final class ApiVersions {
    public static final List<String> SUPPORTED = List.of(
            "2021-06-01", "2021-06-01-preview", "2022-01-20-preview", "2022-03-08-preview",
            "2022-12-01", "2023-03-01-preview", "2023-06-01-preview", "2023-12-01-preview", "2024-03-01-preview",
            "2024-08-01", "2024-11-01-preview", "2025-01-01-preview", "2025-06-01-preview", "2025-08-01",
            "2026-01-01-preview");

    /** The first version whose capabilities are FlexibleServerCapability (Enabled/Disabled strings, not booleans). */
    public static final String CAPABILITIES_V2 = "2023-03-01-preview";

    private ApiVersions() {
    }

    /** Whether {@code apiVersion} (a supported one) is older than {@code version}: by date, a preview before its stable. */
    public static boolean before(String apiVersion, String version) {
        int byDate = apiVersion.substring(0, 10).compareTo(version.substring(0, 10));
        return byDate < 0 || byDate == 0 && apiVersion.length() > 10 && version.length() == 10;
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
