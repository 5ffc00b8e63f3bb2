package io.pgflex.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ControlDbTest {
    private static final LocalStack.Secrets SECRETS = FakeSecrets.of("pw-of-");

    @Test
    void overTcpOnlyTlsAndOnlyARolesOwnDatabase() {
        String hba = ControlDb.hba();
        assertTrue(hba.contains("hostssl  sameuser  all       127.0.0.1/32   scram-sha-256"), hba);
        assertFalse(hba.lines().anyMatch(l -> l.startsWith("host ")), "no plain host line: " + hba);
    }

    @Test
    void eachServiceGetsItsRoleWithItsOwnPasswordAndItsDatabaseAlone() {
        String sql = ControlDb.setupSql(List.of("ha-service"), SECRETS::get);
        assertTrue(sql.contains("ALTER ROLE ha PASSWORD 'pw-of-controldb-ha';"), sql);
        assertTrue(sql.contains("REVOKE CONNECT, TEMPORARY ON DATABASE ha FROM PUBLIC;\nGRANT CONNECT ON DATABASE ha TO ha;"), sql);
        assertTrue(sql.contains("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;"), sql);
    }

    @Test
    void aQuoteInAPasswordCannotEndItsLiteral() {
        assertTrue(ControlDb.setupSql(List.of("ha-service"), name -> "a'b").contains("PASSWORD 'a''b';"));
    }

    @Test
    void aServiceNameThatIsNoIdentifierIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ControlDb.setupSql(List.of("x;drop-service"), SECRETS::get));
    }

    @Test
    void theDatabaseIsTheServicesNameWithoutItsSuffix() {
        assertEquals("provisioning", ControlDb.database("provisioning-service"));
    }
}
