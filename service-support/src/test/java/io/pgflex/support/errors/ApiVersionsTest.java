package io.pgflex.support.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ApiVersionsTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"2021-06-01", "2022-12-01", "2023-06-01-preview",
            "2024-08-01", "2025-01-01-preview", "2025-08-01", "2026-01-01-preview"})
    void acceptsPublishedStableAndPreviewVersions(String version) {
        assertEquals(version, ApiVersions.require(version));
    }

    @Test
    void rejectsAVersionBeforeTheFirstStableOne() {
        ArmException e = assertThrows(ArmException.class, () -> ApiVersions.require("2020-02-14-preview"));
        assertEquals("InvalidApiVersionParameter", e.code());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"2022-12-01, true", "2023-03-01-preview, false", "2025-08-01, false",
            "2021-06-01-preview, true"})
    void tellsAVersionBeforeTheNewCapabilityModel(String version, boolean older) {
        assertEquals(older, ApiVersions.before(version, ApiVersions.CAPABILITIES_V2));
    }

    @Test
    void namesTheSupportedVersionsInTheError() {
        ArmException e = assertThrows(ArmException.class, () -> ApiVersions.require("2099-01-01"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("2021-06-01") && e.getMessage().contains("2026-01-01-preview"),
                e.getMessage());
    }

    @Test
    void rejectsMissingVersionWithArmCode() {
        ArmException e = assertThrows(ArmException.class, () -> ApiVersions.require(null));
        assertEquals(400, e.status());
        assertEquals("MissingApiVersionParameter", e.code());
    }

    @Test
    void rejectsUnknownVersionWithArmCode() {
        ArmException e = assertThrows(ArmException.class, () -> ApiVersions.require("2017-12-01"));
        assertEquals("InvalidApiVersionParameter", e.code());
        assertEquals("api-version", e.target());
    }
}
