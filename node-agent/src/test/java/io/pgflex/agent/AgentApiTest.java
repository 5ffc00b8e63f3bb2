package io.pgflex.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(io.pgflex.testkit.AgentDataRootResource.class)
class AgentApiTest {
    @jakarta.inject.Inject
    io.pgflex.agent.instances.InstanceStore store;

    @Test
    void refusesCallsWithoutTheBearerToken() {
        given().when().get("/agent/v1/info").then().statusCode(401).body("error.code", equalTo("AuthenticationFailed"));
        given().header("Authorization", "Bearer wrong").when().get("/agent/v1/info").then().statusCode(401);
    }

    @Test
    void describesItselfAndTheEnginesOfThisHost() {
        given().header("Authorization", "Bearer test-token").when().get("/agent/v1/info")
                .then().statusCode(200)
                .body("agentId", equalTo("agent-1"))
                .body("zone", equalTo("1"))
                .body("instanceCount", equalTo(store.instanceIds().size()))
                // the host has Debian's PostgreSQL packages (CI installs postgresql-15)
                .body("engines.source", hasItem("system"))
                .body("engines[0].binDir", notNullValue());
    }

    @Test
    void isHealthyWithKafka() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
