package io.pgflex.provisioning.model;

import io.pgflex.contracts.agent.ParameterInfo;
import io.pgflex.support.errors.ArmException;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParameterPolicyTest {
    // as PostgreSQL 16 reports them in pg_settings
    static final ParameterInfo SHARED_BUFFERS = new ParameterInfo("shared_buffers", "16384", "8kB", "1024", "integer",
            "16", "1073741823", List.of(), "postmaster", "");
    static final ParameterInfo STATEMENT_TIMEOUT = new ParameterInfo("statement_timeout", "0", "ms", "0", "integer",
            "0", "2147483647", List.of(), "user", "");
    static final ParameterInfo JIT = new ParameterInfo("jit", "on", null, "on", "bool", null, null, List.of(), "user", "");

    @Test
    void valuesWithUnitsAreCheckedAgainstTheRangeInTheParametersOwnUnit() {
        assertDoesNotThrow(() -> ParameterPolicy.check(SHARED_BUFFERS, "2GB"));
        ArmException tooBig = assertThrows(ArmException.class, () -> ParameterPolicy.check(SHARED_BUFFERS, "9000GB"));
        assertEquals("InvalidParameterValue", tooBig.code());
        assertThrows(ArmException.class, () -> ParameterPolicy.check(SHARED_BUFFERS, "64kB"), "below the 16 x 8kB minimum");
        assertThrows(ArmException.class, () -> ParameterPolicy.check(SHARED_BUFFERS, "5min"), "a time for a memory parameter");
        assertDoesNotThrow(() -> ParameterPolicy.check(STATEMENT_TIMEOUT, "30s"));
        assertThrows(ArmException.class, () -> ParameterPolicy.check(STATEMENT_TIMEOUT, "-1"));
    }

    @Test
    void aValueWithALineBreakIsRefusedBeforeItCanReachPostgresqlConf() {
        ParameterInfo searchPath = new ParameterInfo("search_path", "\"$user\", public", null, "\"$user\", public", "string",
                null, null, List.of(), "user", "");
        ArmException e = assertThrows(ArmException.class, () -> ParameterPolicy.check(searchPath, "public\nshared_preload_libraries = 'evil'"));
        assertEquals("InvalidParameterValue", e.code());
        assertDoesNotThrow(() -> ParameterPolicy.check(searchPath, "public, app"));
    }

    @Test
    void convertsToTheBaseUnit() {
        assertEquals(262144, ParameterPolicy.inBaseUnit(SHARED_BUFFERS, new java.math.BigDecimal(2), "GB").intValue());
        assertEquals(30000, ParameterPolicy.inBaseUnit(STATEMENT_TIMEOUT, new java.math.BigDecimal(30), "s").intValue());
    }

    @Test
    void protectedAndUnknownValuesAreRefused() {
        ParameterInfo ssl = new ParameterInfo("ssl", "on", null, "off", "bool", null, null, List.of(), "sighup", "");
        assertEquals("ParameterIsReadOnly", assertThrows(ArmException.class, () -> ParameterPolicy.check(ssl, "off")).code());
        assertThrows(ArmException.class, () -> ParameterPolicy.check(JIT, "sometimes"));
        ParameterInfo preload = new ParameterInfo("shared_preload_libraries", "", null, "", "string", null, null, List.of(),
                "postmaster", "");
        assertDoesNotThrow(() -> ParameterPolicy.check(preload, "pg_stat_statements, auto_explain"));
        assertThrows(ArmException.class, () -> ParameterPolicy.check(preload, "pg_stat_statements,evil"));
    }
}
