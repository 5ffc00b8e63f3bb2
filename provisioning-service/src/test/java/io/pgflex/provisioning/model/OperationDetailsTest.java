package io.pgflex.provisioning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Operation details as stored: what rows written before the typed details read as, and the round trip. */
class OperationDetailsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', value = {
            "Restart            | {\"restartWithFailover\":true,\"failoverMode\":\"PlannedFailover\",\"requested\":\"true\"} "
                    + "| Restart[restartWithFailover=true, failoverMode=PlannedFailover, requested=true] "
                    + "| a failover already asked of ha-service, stored as a string map: not asked twice",
            "Restart            | {}  | Restart[restartWithFailover=false, failoverMode=null, requested=false] | a plain restart",
            "Start              | {\"automatic\":true} | Start[automatic=true] | started by the platform after 7 days stopped",
            "Delete             | {\"reason\":\"failed create\"} | Delete[reason=failed create] | the leftovers of a failed create",
            "ApplyConfiguration | {\"rollback\":true} | ApplyConfiguration[parameter=null, previousParameters=null, rollback=true] "
                    + "| the restore of the parameters before a failed change",
            "CreateDatabase     | {\"database\":\"app\",\"charset\":\"UTF8\"} | Database[database=app, charset=UTF8, collation=null] "
                    + "| no collation given: the server's",
            "Stop               | {\"unknown\":1} | None[] | a field nobody knows any more is ignored",
    })
    void storedDetailReadsAsItsKindsType(OperationKind kind, String stored, String expected, String why) {
        OperationDetail d = OperationDetails.read(JSON, kind, stored, OperationDetail.typeOf(kind));

        assertEquals(expected, d.toString(), why);
    }

    @Test
    void anUpdateIsStoredFlatAsTheChangesItCarriesInItsEvent() {
        String stored = OperationDetails.write(JSON, new OperationDetail.Update(Map.of("sku", "Standard_B1ms -> Standard_D2ds_v5")));

        assertEquals("{\"sku\":\"Standard_B1ms -> Standard_D2ds_v5\"}", stored);
        assertEquals(Map.of("sku", "Standard_B1ms -> Standard_D2ds_v5"),
                OperationDetails.read(JSON, OperationKind.Update, stored, OperationDetail.Update.class).changes());
    }

    @Test
    void aRestartAskedOfHaServiceSurvivesItsRoundTrip() {
        OperationDetail.Restart asked = new OperationDetail.Restart(true, "ForcedFailover", false).asked();

        assertEquals(asked, OperationDetails.read(JSON, OperationKind.Restart, OperationDetails.write(JSON, asked),
                OperationDetail.Restart.class));
    }

    @Test
    void readingAnotherKindsDetailIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> OperationDetails.read(JSON, OperationKind.Restart, "{}", OperationDetail.Database.class));
    }
}
