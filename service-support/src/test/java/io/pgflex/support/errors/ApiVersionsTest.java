package io.pgflex.support.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ApiVersionsTest {

    @Test
    void acceptsBothSupportedVersions() {
        assertEquals("2024-08-01", ApiVersions.require("2024-08-01"));
        assertEquals("2025-08-01", ApiVersions.require("2025-08-01"));
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
