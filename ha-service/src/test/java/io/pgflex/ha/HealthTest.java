package io.pgflex.ha;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class HealthTest {

    @Test
    void reportsUpOnceDatabaseAndKafkaAnswer() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
