package io.pgflex.support.arm;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ARM's long-running operations as every service answers them: the polling headers of the 201/202
 * and the operation status body clients poll ({@code status} InProgress, Succeeded, Failed, Canceled).
 */
public final class AsyncOperations {
    private AsyncOperations() {
    }

    /**
     * Adds {@code Azure-AsyncOperation} (status) and {@code Location} (result) headers: absolute, from
     * the request's base URI, with the request's api-version, as ARM clients follow them verbatim.
     *
     * @param statusPath absolute path of the operation's status, e.g. {@code /subscriptions/…/azureAsyncOperation/{id}}
     * @param resultPath absolute path of its result
     */
    public static Response.ResponseBuilder polled(Response.ResponseBuilder response, UriInfo uri, String statusPath,
                                                  String resultPath) {
        String version = "?api-version=" + uri.getQueryParameters().getFirst("api-version");
        return response
                .header("Azure-AsyncOperation", uri.getBaseUri().resolve(statusPath.substring(1)) + version)
                .header("Location", uri.getBaseUri().resolve(resultPath.substring(1)) + version)
                .header("Retry-After", "1");
    }

    /** 200 with the status body; while in progress {@code Retry-After: 1}, else clients poll at their default (az CLI: 30 s). */
    public static Response statusResponse(Map<String, Object> status, boolean inProgress) {
        Response.ResponseBuilder ok = Response.ok(status);
        return (inProgress ? ok.header("Retry-After", "1") : ok).build();
    }

    /** The operation status body; {@code endTime} and {@code error} only once there are. */
    public static Map<String, Object> status(String id, String name, String status, Instant startTime, Instant endTime,
                                             int percentComplete, Map<String, Object> properties, String errorCode,
                                             String errorMessage) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("name", name);
        v.put("status", status);
        v.put("startTime", startTime.toString());
        if (endTime != null) {
            v.put("endTime", endTime.toString());
        }
        v.put("percentComplete", percentComplete);
        v.put("properties", properties);
        if (errorCode != null) {
            v.put("error", Map.of("code", errorCode, "message", errorMessage == null ? "" : errorMessage));
        }
        return v;
    }
}
