package io.pgflex.selfcheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/** The public API as a tenant calls it: through the gateway, with a bearer token, long-running operations polled. */
final class Arm {
    static final String VERSION = "api-version=2025-08-01";
    private final Https https;
    private final String token;

    Arm(Https https, String token) {
        this.https = https;
        this.token = token;
    }

    JsonNode get(String url) {
        Https.Reply r = https.get(withVersion(url), token);
        if (!r.ok()) {
            throw new Failed("GET " + url + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** The resource, or empty when the API answered anything but 2xx (polls ask again). */
    Optional<JsonNode> find(String url) {
        Https.Reply r = https.get(withVersion(url), token);
        return r.ok() ? Optional.of(r.json()) : Optional.empty();
    }

    /**
     * Starts an operation and waits until it ends; fails unless it ends Succeeded. Says what runs while it waits
     * only through the operation's own status (the self-check prints one line per check).
     */
    void operation(String method, String url, String body, String what, Duration within) {
        Https.Reply r = https.send(method, withVersion(url), token, body);
        if (!r.ok()) {
            throw new Failed(what + ": " + method + " " + url + " answered " + r.status() + ": " + r.body());
        }
        String status = r.header("Azure-AsyncOperation").orElseThrow(() -> new Failed(what + ": no Azure-AsyncOperation header"));
        JsonNode end = Poll.until(within, what, () -> {
            Https.Reply poll = https.get(status, token);
            if (!poll.ok()) {
                throw new Failed(what + ": its status " + status + " answered " + poll.status() + ": " + poll.body());
            }
            JsonNode s = poll.json();
            return "InProgress".equals(s.path("status").asText()) ? Optional.empty() : Optional.of(s);
        });
        if (!"Succeeded".equals(end.path("status").asText())) {
            throw new Failed(what + " ended " + end.path("status").asText() + ": " + end);
        }
    }

    private static String withVersion(String url) {
        return url.contains("api-version=") ? url : url + (url.contains("?") ? "&" : "?") + VERSION;
    }
}
