package io.pgflex.agent.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class EngineCatalogueTest {

    @Test
    void readsMajorAndMinorFromPostgresVersionOutput() {
        assertEquals("15.18", EngineCatalogue.parseVersion("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"));
        assertEquals("17.6", EngineCatalogue.parseVersion("postgres (PostgreSQL) 17.6"));
    }

    @Test
    void ignoresOutputThatIsNotAVersion() {
        assertNull(EngineCatalogue.parseVersion("bash: postgres: command not found"));
    }
}
