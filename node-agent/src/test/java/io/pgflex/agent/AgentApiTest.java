package io.pgflex.agent;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgflex.testkit.AgentDataRootResource;
import io.pgflex.testkit.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(AgentDataRootResource.class)
class AgentApiTest {
    @jakarta.inject.Inject
    io.pgflex.agent.instances.InstanceStore store;

    @Test
    void refusesCallsWithoutAClientCertificate() {
        AgentDataRootResource.as(null).when().get("/agent/v1/info").then().statusCode(401)
                .body("error.code", equalTo("AuthenticationFailed"));
    }

    @Test
    void refusesAServiceAnActionThatIsNotItsOwn() {
        // monitoring-service reads; promoting is ha-service's alone
        AgentDataRootResource.as("monitoring-service").when().post("/agent/v1/instances/any/promote").then()
                .statusCode(403).body("error.code", equalTo("AuthorizationFailed"))
                .body("error.message", equalTo("only ha-service promotes standbys, not monitoring-service"));
    }

    @Test
    void refusesPlainHttp() {
        int port = AgentDataRootResource.port();
        // the HTTPS port does not speak plain HTTP, and no plain HTTP port is open
        assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/agent/v1/info")).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void describesItselfAndTheEnginesOfThisHost() {
        AgentDataRootResource.as("provisioning-service").when().get("/agent/v1/info")
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
        AgentDataRootResource.as(null).when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
