package dev.strangler.gateway.routing;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Removes X-Strangler-* headers that did not come from this gateway: from clients, so nobody can
 * spoof a shadow marker or a routing tag, and from backends, so only the gateway's own tags reach the client.
 */
public final class StranglerHeadersFilter implements HttpHeadersFilter {

    static final String PREFIX = "x-strangler-";

    /** Whether only this gateway may set {@code name}: the rule of both proxy paths. */
    public static boolean isStranglerHeader(String name) {
        return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    private final Type type;

    public StranglerHeadersFilter(Type type) {
        this.type = type;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        boolean found = false;
        for (String name : input.keySet()) {
            if (isStranglerHeader(name)) {
                found = true;
                break;
            }
        }
        if (!found) {
            return input;
        }
        HttpHeaders filtered = new HttpHeaders();
        input.forEach((name, values) -> {
            if (!isStranglerHeader(name)) {
                filtered.addAll(name, values);
            }
        });
        return filtered;
    }

    @Override
    public boolean supports(Type type) {
        return this.type == type;
    }
}
