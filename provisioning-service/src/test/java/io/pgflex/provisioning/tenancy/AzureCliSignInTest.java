package io.pgflex.provisioning.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pgflex.provisioning.Api;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What az CLI needs around flexible servers: signing in with {@code az login --identity} against the
 * managed-identity token endpoint (the secret is a pgflex token), the subscription list it stores as
 * accounts, and resource groups it checks and creates before a server.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(NodeAgentResource.class)
class AzureCliSignInTest {
    static final String SUB = "sub-azcli";

    @Test
    void theIdentityEndpointHandsBackAValidTokenWithItsExpiry() {
        String token = Tokens.of(SUB, "Owner");
        String resource = io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/";
        given().header("secret", token).queryParam("resource", resource).queryParam("api-version", "2017-09-01")
                .get("/_pgflex/identity/token").then().statusCode(200)
                .body("access_token", equalTo(token)).body("token_type", equalTo("Bearer"))
                .body("resource", equalTo(resource));
    }

    @Test
    void theIdentityEndpointHandsNoPgflexTokenForAnotherResource() {
        given().header("secret", Tokens.of(SUB, "Owner")).queryParam("resource", "https://vault.azure.net")
                .get("/_pgflex/identity/token").then().statusCode(400).body("error.code", equalTo("InvalidResource"));
    }

    @Test
    void theIdentityEndpointRefusesAForgedToken() {
        given().header("secret", Tokens.forged(SUB, "Owner")).queryParam("resource", "pgflex-api")
                .get("/_pgflex/identity/token").then().statusCode(401)
                .body("error.code", equalTo("AuthenticationFailed"));
    }

    @Test
    void theIdentityEndpointRefusesACallWithoutASecret() {
        given().get("/_pgflex/identity/token").then().statusCode(401);
    }

    @Test
    void theSubscriptionListHoldsTheTokensSubscriptionsInItsTenant() {
        given().header("Authorization", "Bearer " + Tokens.of(Map.of(SUB, "Owner", "sub-azcli-2", "Reader")))
                .queryParam("api-version", "2022-12-01").get("/subscriptions").then().statusCode(200)
                .body("value", hasSize(2)).body("value[0].subscriptionId", equalTo(SUB))
                .body("value[0].tenantId", equalTo(Tokens.TENANT)).body("value[0].state", equalTo("Enabled"));
    }

    @Test
    void aResourceGroupIsCreatedThenFoundAndKeepsItsLocation() {
        String group = "/subscriptions/" + SUB + "/resourcegroups/rg-made";
        Api.owner(SUB).queryParam("api-version", "2021-04-01").head(group).then().statusCode(404);
        Api.owner(SUB).body("{\"location\":\"local\",\"tags\":{\"team\":\"a\"}}").put(group).then().statusCode(201)
                .body("name", equalTo("rg-made")).body("properties.provisioningState", equalTo("Succeeded"));
        Api.owner(SUB).head("/subscriptions/" + SUB + "/resourceGroups/RG-MADE").then().statusCode(204);
        Api.owner(SUB).get(group).then().statusCode(200).body("location", equalTo("local")).body("tags.team", equalTo("a"));
        Api.owner(SUB).body("{\"location\":\"elsewhere\"}").put(group).then().statusCode(409)
                .body("error.code", equalTo("InvalidResourceGroupLocation"));
    }

    @Test
    void aGroupHoldingServersIsNotDeleted() {
        Api.owner(SUB).body(Api.validBody()).put(Api.servers(SUB, "rg-full") + "/azcli-held").then().statusCode(201);
        Api.owner(SUB).get("/subscriptions/" + SUB + "/resourceGroups/rg-full").then().statusCode(200)
                .body("location", equalTo("local"));
        Api.owner(SUB).delete("/subscriptions/" + SUB + "/resourceGroups/rg-full").then().statusCode(409)
                .body("error.code", equalTo("ResourceGroupNotEmpty"));
    }

    @Test
    void aReaderCreatesNoGroup() {
        Api.as(SUB, "Reader").body("{\"location\":\"local\"}").put("/subscriptions/" + SUB + "/resourceGroups/rg-read")
                .then().statusCode(403);
    }
}
