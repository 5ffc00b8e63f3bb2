package io.pgflex.provisioning;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Duration;

/** How tests talk to the API: as an Owner of a subscription, with the api-version, polling operations. */
public final class Api {
    public static final String VERSION = "2025-08-01";

    private Api() {
    }

    public static String servers(String subscription, String group) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.DBforPostgreSQL/flexibleServers";
    }

    public static RequestSpecification as(String subscription, String role) {
        return given().header("Authorization", "Bearer " + Tokens.of(subscription, role))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    public static RequestSpecification owner(String subscription) {
        return as(subscription, "Owner");
    }

    public static String body(String version, String sku, String tier, String login, String password) {
        return """
                {"location": "local", "sku": {"name": "%s", "tier": "%s"},
                 "properties": {"version": "%s", "administratorLogin": "%s",
                   "administratorLoginPassword": "%s", "storage": {"storageSizeGB": 32}}}"""
                .formatted(sku, tier, version, login, password);
    }

    public static String validBody() {
        return body("15", "Standard_D2ds_v5", "GeneralPurpose", "appadmin", "S3cret-pass!");
    }

    /** Polls the response's Azure-AsyncOperation until the operation ends; returns its final status. */
    public static String awaitOperation(String subscription, Response accepted) {
        String url = accepted.header("Azure-AsyncOperation");
        if (url == null) {
            throw new AssertionError("no Azure-AsyncOperation header: " + accepted.asString());
        }
        URI uri = URI.create(url);
        if (!("api-version=" + VERSION).equals(uri.getQuery())) {
            throw new AssertionError("the operation URL does not carry the request's api-version: " + url);
        }
        String path = uri.getPath();
        String[] status = new String[1];
        await("operation " + path).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            status[0] = given().header("Authorization", "Bearer " + Tokens.of(subscription, "Reader"))
                    .queryParam("api-version", VERSION).get(path).then().statusCode(200).extract().path("status");
            return !"InProgress".equals(status[0]);
        });
        return status[0];
    }
}
