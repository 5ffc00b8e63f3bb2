package io.pgflex.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.Pki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A service process as the platform runs it (production profile) takes callers only with a
 * certificate of the platform CA, and of those only the gateway's and the operator's: the gateway shows its
 * own, a component that holds another certificate of the same CA is refused.
 */
class ServiceTrustIT {

    /** GET of provisioning-service's readiness as {@code identity} (null: no client certificate). */
    private static HttpResponse<String> health(String identity) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(Pki.sslContext(identity)).connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + Stack.provisioning().port()
                + "/q/health/ready")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServiceRefusesACallerWithoutAClientCertificate() {
        assertThrows(IOException.class, () -> health(null), "provisioning-service answered a caller without a certificate");
    }

    @Test
    void aServiceAnswersTheGatewaysCertificate() throws Exception {
        assertEquals(200, health("gateway").statusCode());
    }

    @Test
    void aServiceRefusesTheCertificateOfAComponentThatDoesNotCallIt() throws Exception {
        // given a certificate of the same CA, held by a component that has no business calling provisioning-service
        // when it calls, then it is refused before any route, saying why
        HttpResponse<String> answer = health("monitoring-service");
        assertEquals(403, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("not one that calls this service"), answer.body());
    }
}
