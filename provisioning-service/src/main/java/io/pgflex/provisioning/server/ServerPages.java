package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.ServerEntity;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ARM list paging of servers: a page of at most {@code pgflex.api.page-size} servers by name, and a {@code nextLink}
 * (the same URL with {@code $skipToken} = the last name shown, built from the scheme and host the client used)
 * while more may follow. Server names are unique, so a page never repeats or skips one, even when servers come and go
 * between two pages.
 */
final class ServerPages {
    private ServerPages() {
    }

    static Map<String, Object> page(List<ServerEntity> servers, int pageSize, UriInfo uri,
                                    Function<ServerEntity, ServerResponse> view) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("value", servers.stream().map(view).toList());
        if (servers.size() == pageSize) {
            // built from the path and api-version only: a client's own $skipToken (or %24skipToken) is not carried on
            page.put("nextLink", uri.getAbsolutePathBuilder()
                    .queryParam("api-version", uri.getQueryParameters().getFirst("api-version"))
                    .queryParam("$skipToken", servers.get(pageSize - 1).name).build().toString());
        }
        return page;
    }
}
