package io.pgflex.provisioning.server;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgflex.provisioning.Api;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A subscription at its quota: the next server, or a scale-up past it, is a 409 and changes nothing. */
@QuarkusTest
@TestProfile(QuotaApiTest.SmallQuota.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(NodeAgentResource.class)
class QuotaApiTest {
    static final String SUB = "sub-quota";

    public static class SmallQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgflex.provisioning.quota.vcores", "3");
        }
    }

    @Test
    void aServerPastTheVCoreQuotaIsRefusedAndNothingIsCreated() {
        var first = Api.owner(SUB).body(Api.validBody()).when().put(Api.servers(SUB, "rg") + "/q-first");
        first.then().statusCode(201);
        Api.owner(SUB).body(Api.validBody()).when().put(Api.servers(SUB, "rg") + "/q-second").then().statusCode(409)
                .body("error.code", equalTo("QuotaExceeded"))
                .body("error.message", containsString("it uses 2 and this needs 2 more"));
        ServerValidationTest.assertNothingCreatedIn(SUB, "q-second");
        org.junit.jupiter.api.Assertions.assertEquals("Succeeded", Api.awaitOperation(SUB, first));
        Api.owner(SUB).body("{\"sku\":{\"name\":\"Standard_D4ds_v5\",\"tier\":\"GeneralPurpose\"}}")
                .when().patch(Api.servers(SUB, "rg") + "/q-first").then().statusCode(409).body("error.code", equalTo("QuotaExceeded"));
        Api.owner(SUB).when().get(Api.servers(SUB, "rg") + "/q-first").then().statusCode(200)
                .body("sku.name", equalTo("Standard_D2ds_v5"));
    }
}
